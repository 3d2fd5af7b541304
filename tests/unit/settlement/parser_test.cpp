#include "daemon/settlement/parser.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <streambuf>
#include <string>
#include <utility>
#include <vector>

#include <zlib.h>

#include "daemon/common/datetime.hpp"
#include "daemon/common/money.hpp"
#include "tests/unit/settlement/row_recorder.hpp"

namespace settlebridge::settlement {
namespace {

using testing::dataPath;
using testing::fixturePath;
using testing::readAll;
using testing::RecordedRow;
using testing::RowRecorder;

// ---------------------------------------------------------------------------------------------------------
// Helpers

/// A streambuf that hands out its data `piece` bytes at a time, so every line straddles reads.
class TrickleBuf : public std::streambuf {
public:
    TrickleBuf(std::string data, std::size_t piece) : data_(std::move(data)), piece_(piece) {}

protected:
    int_type underflow() override {
        if (pos_ >= data_.size()) return traits_type::eof();
        const std::size_t n = std::min({piece_, data_.size() - pos_, sizeof buffer_});
        std::memcpy(buffer_, data_.data() + pos_, n);
        pos_ += n;
        setg(buffer_, buffer_, buffer_ + n);
        return traits_type::to_int_type(buffer_[0]);
    }

private:
    std::string data_;
    std::size_t pos_ = 0;
    std::size_t piece_;
    char buffer_[16];
};

/// What one parse produced: the header and rows, or the error.
struct Outcome {
    RowRecorder sink;
    bool failed = false;
    std::size_t line = 0;
    std::size_t column = 0;
    std::string field;
    std::string what;
};

enum class Mode { Memory, Stream, TinyChunks, OneByteChunks, File };

Outcome parseBytes(const std::string& bytes, Mode mode, const std::string& name = "test.txt") {
    Outcome out;
    try {
        switch (mode) {
            case Mode::Memory:
                Parser(name).parse(std::string_view(bytes), out.sink);
                break;
            case Mode::Stream: {
                std::istringstream in(bytes);
                Parser(name).parse(in, out.sink);
                break;
            }
            case Mode::TinyChunks: {
                TrickleBuf buf(bytes, 7);
                std::istream in(&buf);
                Parser(name, 7).parse(in, out.sink);
                break;
            }
            case Mode::OneByteChunks: {
                TrickleBuf buf(bytes, 3);
                std::istream in(&buf);
                Parser(name, 1).parse(in, out.sink);
                break;
            }
            case Mode::File:
                ADD_FAILURE() << "use parsePath for files";
                break;
        }
    } catch (const ParseError& e) {
        out.failed = true;
        out.line = e.line();
        out.column = e.column();
        out.field = e.field();
        out.what = e.what();
    }
    return out;
}

Outcome parsePath(const std::string& path) {
    Outcome out;
    try {
        parseFile(path, out.sink);
    } catch (const ParseError& e) {
        out.failed = true;
        out.line = e.line();
        out.column = e.column();
        out.field = e.field();
        out.what = e.what();
    }
    return out;
}

Outcome parseOk(const std::string& path) {
    Outcome out = parsePath(path);
    EXPECT_FALSE(out.failed) << out.what;
    EXPECT_TRUE(out.sink.header.has_value()) << path;
    EXPECT_EQ(out.sink.headerCalls, 1);
    return out;
}

const RecordedRow* findRow(const std::vector<RecordedRow>& rows, std::string_view transactionType,
                           std::string_view amountType, std::string_view description, std::string_view sku = {}) {
    for (const RecordedRow& r : rows) {
        if (r.transactionType == transactionType && r.amountType == amountType && r.amountDescription == description &&
            (sku.empty() || r.sku == sku)) {
            return &r;
        }
    }
    return nullptr;
}

std::vector<std::string> splitTabs(const std::string& line) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (;;) {
        const std::size_t tab = line.find('\t', start);
        out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
        if (tab == std::string::npos) return out;
        start = tab + 1;
    }
}

/// A tab-separated line with `values` placed under the named columns of `header` (others empty).
std::string tsv(const std::vector<std::string>& header, const std::map<std::string, std::string>& values) {
    std::string line;
    std::size_t used = 0;
    for (std::size_t i = 0; i < header.size(); ++i) {
        if (i > 0) line += '\t';
        const auto it = values.find(header[i]);
        if (it != values.end()) {
            line += it->second;
            ++used;
        }
    }
    EXPECT_EQ(used, values.size()) << "a value names no column";
    return line + "\n";
}

std::string joinTabs(const std::vector<std::string>& names) {
    std::string line;
    for (const std::string& n : names) line += (line.empty() ? "" : "\t") + n;
    return line + "\n";
}

const std::vector<std::string> kV2Header = {"settlement-id",
                                            "settlement-start-date",
                                            "settlement-end-date",
                                            "deposit-date",
                                            "total-amount",
                                            "currency",
                                            "transaction-type",
                                            "order-id",
                                            "merchant-order-id",
                                            "adjustment-id",
                                            "shipment-id",
                                            "marketplace-name",
                                            "amount-type",
                                            "amount-description",
                                            "amount",
                                            "fulfillment-id",
                                            "posted-date",
                                            "posted-date-time",
                                            "order-item-code",
                                            "merchant-order-item-id",
                                            "merchant-adjustment-item-id",
                                            "sku",
                                            "quantity-purchased",
                                            "promotion-id"};

const std::vector<std::string> kV1Header = {"settlement-id",
                                            "settlement-start-date",
                                            "settlement-end-date",
                                            "deposit-date",
                                            "total-amount",
                                            "currency",
                                            "transaction-type",
                                            "order-id",
                                            "merchant-order-id",
                                            "adjustment-id",
                                            "shipment-id",
                                            "marketplace-name",
                                            "shipment-fee-type",
                                            "shipment-fee-amount",
                                            "order-fee-type",
                                            "order-fee-amount",
                                            "fulfillment-id",
                                            "posted-date",
                                            "order-item-code",
                                            "merchant-order-item-id",
                                            "merchant-adjustment-item-id",
                                            "sku",
                                            "quantity-purchased",
                                            "price-type",
                                            "price-amount",
                                            "item-related-fee-type",
                                            "item-related-fee-amount",
                                            "misc-fee-amount",
                                            "other-fee-amount",
                                            "other-fee-reason-description",
                                            "promotion-id",
                                            "promotion-type",
                                            "promotion-amount",
                                            "direct-payment-type",
                                            "direct-payment-amount",
                                            "other-amount"};

std::string v2Summary(const std::string& total, const std::string& id = "66000000001") {
    return tsv(kV2Header, {{"settlement-id", id},
                           {"settlement-start-date", "2025-01-01 00:00:00 UTC"},
                           {"settlement-end-date", "2025-01-15 00:00:00 UTC"},
                           {"deposit-date", "2025-01-17 00:00:00 UTC"},
                           {"total-amount", total},
                           {"currency", "USD"}});
}

std::string v2Row(std::map<std::string, std::string> values) {
    values.emplace("settlement-id", "66000000001");
    return tsv(kV2Header, values);
}

// ---------------------------------------------------------------------------------------------------------
// Real fixtures

struct FixtureExpectation {
    std::string file;
    std::string id;
    std::string start;
    std::string end;
    std::string deposit;
    common::Cents total;
    std::string currency;
    Layout layout;
};

const std::vector<FixtureExpectation>& fixtureExpectations() {
    static const std::vector<FixtureExpectation> all = {
        {testing::v1Fixtures()[0], "23874396421", "2025-06-05T22:07:18+00:00", "2025-07-31T22:07:18+00:00",
         "2025-08-02T22:07:18+00:00", -32169, "CAD", Layout::FlatFileV1},
        {testing::v1Fixtures()[1], "23874397121", "2025-07-31T22:07:18+00:00", "2025-08-14T22:07:18+00:00",
         "2025-08-16T22:07:18+00:00", -6231, "CAD", Layout::FlatFileV1},
        {testing::v1Fixtures()[2], "24288684721", "2025-08-14T22:07:18+00:00", "2025-08-28T22:07:19+00:00",
         "2025-08-30T22:07:19+00:00", 101608, "CAD", Layout::FlatFileV1},
        {testing::v1Fixtures()[3], "24391894961", "2025-08-28T22:07:19+00:00", "2025-09-11T22:07:19+00:00",
         "2025-09-13T22:07:19+00:00", 253966, "CAD", Layout::FlatFileV1},
        {testing::v1Fixtures()[4], "24495221541", "2025-09-11T22:07:19+00:00", "2025-09-25T22:07:18+00:00",
         "2025-09-27T22:07:18+00:00", 463023, "CAD", Layout::FlatFileV1},
        {testing::v1Fixtures()[5], "24596907561", "2025-09-25T22:07:18+00:00", "2025-10-09T22:07:18+00:00",
         "2025-10-11T22:07:18+00:00", 389424, "CAD", Layout::FlatFileV1},
        {testing::v1Fixtures()[6], "24702193891", "2025-10-09T22:07:18+00:00", "2025-10-23T22:07:18+00:00",
         "2025-10-25T22:07:18+00:00", 1001564, "CAD", Layout::FlatFileV1},
        {testing::v2Fixture(), "99000000001", "2026-05-25T12:10:23+00:00", "2026-06-01T12:10:23+00:00",
         "2026-06-03T12:10:23+00:00", -108063, "INR", Layout::FlatFileV2},
    };
    return all;
}

const std::vector<FixtureExpectation>& madeExpectations() {
    static const std::vector<FixtureExpectation> all = {
        {testing::madeV1Files()[0], "90000000011", "2026-01-20T07:10:09+00:00", "2026-02-09T07:10:09+00:00",
         "2026-02-11T07:10:09+00:00", -32169, "CAD", Layout::FlatFileV1},
        {testing::madeV1Files()[1], "90000000012", "2026-02-09T07:10:09+00:00", "2026-02-23T07:10:09+00:00",
         "2026-02-25T07:10:09+00:00", -17913, "CAD", Layout::FlatFileV1},
        {testing::madeV1Files()[2], "90000000013", "2026-03-02T07:10:09+00:00", "2026-03-15T07:10:09+00:00",
         "2026-03-17T07:10:09+00:00", 300696, "CAD", Layout::FlatFileV1},
        {testing::madeV1Files()[3], "90000000014", "2026-03-24T07:10:09+00:00", "2026-04-07T07:10:09+00:00",
         "2026-04-09T07:10:09+00:00", 433751, "CAD", Layout::FlatFileV1},
        {testing::madeV1Files()[4], "90000000015", "2026-04-13T07:10:09+00:00", "2026-04-27T07:10:09+00:00",
         "2026-04-29T07:10:09+00:00", 680116, "CAD", Layout::FlatFileV1},
        {testing::madeV1Files()[5], "90000000016", "2026-04-24T07:10:09+00:00", "2026-05-08T07:10:09+00:00",
         "2026-05-10T07:10:09+00:00", 523226, "CAD", Layout::FlatFileV1},
        {testing::madeV1Files()[6], "90000000017", "2026-05-11T07:10:09+00:00", "2026-05-25T07:10:09+00:00",
         "2026-05-27T07:10:09+00:00", 1012728, "CAD", Layout::FlatFileV1},
        {testing::madeV1Files()[7], "90000000019", "2026-03-25T07:10:09+00:00", "2026-04-08T07:10:09+00:00",
         "2026-04-10T07:10:09+00:00", 195372, "EUR", Layout::FlatFileV1},
        {testing::madeV2File(), "90000000018", "2026-05-25T07:10:09+00:00", "2026-06-08T07:10:09+00:00",
         "2026-06-10T07:10:09+00:00", -120973, "INR", Layout::FlatFileV2},
    };
    return all;
}

void expectParsedExactly(const std::vector<FixtureExpectation>& expectations) {
    for (const FixtureExpectation& x : expectations) {
        SCOPED_TRACE(x.file);
        const Outcome out = parseOk(fixturePath(x.file));
        ASSERT_TRUE(out.sink.header.has_value());
        const SettlementHeader& h = *out.sink.header;
        EXPECT_EQ(h.settlementId, x.id);
        EXPECT_EQ(common::formatIsoUtc(h.startUtc), x.start);
        EXPECT_EQ(common::formatIsoUtc(h.endUtc), x.end);
        EXPECT_EQ(common::formatIsoUtc(h.depositUtc), x.deposit);
        EXPECT_EQ(h.totalAmount, x.total);
        EXPECT_EQ(h.currency, x.currency);
        EXPECT_EQ(h.layout, x.layout);
        EXPECT_FALSE(out.sink.rows.empty());
        EXPECT_EQ(out.sink.sum(), h.totalAmount) << "rows sum " << common::formatCents(out.sink.sum());
        for (const RecordedRow& r : out.sink.rows) {
            EXPECT_GE(r.line, 3U);
            EXPECT_FALSE(r.transactionType.empty()) << r;
            EXPECT_FALSE(r.amountType.empty()) << r;
            EXPECT_NE(r.postedUtc, 0) << r;
        }
    }
}

TEST(ParserFixtures, EveryMadeFileParsesWithExactHeaderAndRowsSumToTheDeposit) { expectParsedExactly(madeExpectations()); }

TEST(ParserFixtures, EveryFixtureParsesWithExactHeaderAndRowsSumToTheDeposit) {
    SETTLEBRIDGE_SKIP_WITHOUT_REAL_FIXTURES();
    expectParsedExactly(fixtureExpectations());
}

TEST(ParserFixtures, EveryRawAmountCellLandsOnExactlyOneRow) {
    // Independent of the parser: count the non-empty amount cells of each V1 file with a plain split.
    for (const std::string& file : testing::allV1Files()) {
        SCOPED_TRACE(file);
        std::istringstream in(readAll(fixturePath(file)));
        std::string line;
        std::getline(in, line);
        const std::vector<std::string> header = splitTabs(line);
        std::size_t cells = 0;
        std::size_t lineNo = 1;
        while (std::getline(in, line)) {
            if (++lineNo == 2) continue;  // summary row
            const std::vector<std::string> fields = splitTabs(line);
            for (std::size_t i = 0; i < fields.size() && i < header.size(); ++i) {
                const std::string& name = header[i];
                if (name.size() > 7 && name.compare(name.size() - 7, 7, "-amount") == 0 && name != "total-amount" &&
                    fields[i].find_first_not_of(' ') != std::string::npos) {
                    ++cells;
                }
            }
        }
        const Outcome out = parseOk(fixturePath(file));
        EXPECT_EQ(out.sink.rows.size(), cells);
    }
}

TEST(ParserFixtures, MadeThirtyThreeColumnFileExactRows) {
    const Outcome out = parseOk(fixturePath(testing::madeV1Files()[0]));
    ASSERT_EQ(out.sink.rows.size(), 3U);
    const auto& r = out.sink.rows;
    for (const RecordedRow& row : r) {
        EXPECT_EQ(row.transactionType, "other-transaction");
        EXPECT_EQ(row.amountType, "other-transaction");
    }
    EXPECT_EQ(r[0].line, 3U);
    EXPECT_EQ(r[0].amountDescription, "Subscription Fee");
    EXPECT_EQ(r[0].amount, -3209);
    EXPECT_EQ(common::formatIsoUtc(r[0].postedUtc), "2026-01-21T09:00:00+00:00");
    EXPECT_EQ(r[1].amountDescription, "Successful charge");
    EXPECT_EQ(r[1].amount, 3209);
    EXPECT_EQ(r[2].amountDescription, "Inbound Transportation Fee");
    EXPECT_EQ(r[2].amount, -32169);
    EXPECT_EQ(common::formatIsoUtc(r[2].postedUtc), "2026-02-03T18:30:00+00:00");
    EXPECT_EQ(r[2].line, 5U);
}

TEST(ParserFixtures, MadeV1AccountRowsAndAdvertising) {
    const Outcome out = parseOk(fixturePath(testing::madeV1Files()[2]));
    const auto& rows = out.sink.rows;
    EXPECT_EQ(findRow(rows, "other-transaction", "other-transaction", "Payable to Amazon")->amount, -17913);
    EXPECT_EQ(findRow(rows, "other-transaction", "other-transaction", "Successful charge")->amount, 17913);
    EXPECT_EQ(findRow(rows, "other-transaction", "other-transaction", "Micro Deposit")->amount, -1);
    const RecordedRow* damage = findRow(rows, "other-transaction", "other-transaction", "WAREHOUSE_DAMAGE");
    ASSERT_NE(damage, nullptr);
    EXPECT_EQ(damage->amount, 1525);
    EXPECT_EQ(damage->quantity, 0);  // a reimbursement's quantity is not a sale
    const RecordedRow* ads = findRow(rows, "ServiceFee", "Cost of Advertising", "TransactionTotalAmount");
    ASSERT_NE(ads, nullptr);
    EXPECT_EQ(ads->amount, -20915);
    const RecordedRow* adsTax = findRow(rows, "ServiceFee", "OtherFees", "TaxAmount");
    ASSERT_NE(adsTax, nullptr);
    EXPECT_EQ(adsTax->amount, -2509);  // 12 % of 209.15, rounded down
    const RecordedRow* refund = findRow(rows, "Refund", "ItemPrice", "Principal");
    ASSERT_NE(refund, nullptr);
    EXPECT_LT(refund->amount, 0);
    EXPECT_EQ(refund->quantity, 0);  // V1 refunds carry no quantity
    EXPECT_FALSE(refund->adjustmentId.empty());
    EXPECT_NE(findRow(rows, "Refund", "ItemFees", "RefundCommission"), nullptr);
}

TEST(ParserFixtures, MadeWindows1252FileWithDecimalCommas) {
    const Outcome out = parseOk(fixturePath(testing::madeV1Files()[7]));
    ASSERT_TRUE(out.sink.header.has_value());
    EXPECT_EQ(out.sink.header->totalAmount, 195372);  // "1.953,72"
    bool accented = false;
    for (const RecordedRow& r : out.sink.rows) {
        if (r.sku.rfind("CR\xC3\x88ME-", 0) == 0) accented = true;  // "CRÈME-" from the byte 0xC8, now UTF-8
    }
    EXPECT_TRUE(accented);
    EXPECT_EQ(out.sink.sum(), out.sink.header->totalAmount);
}

TEST(ParserFixtures, ThirtyThreeColumnFileExactRows) {
    SETTLEBRIDGE_SKIP_WITHOUT_REAL_FIXTURES();
    const Outcome out = parseOk(fixturePath(testing::v1Fixtures()[0]));
    ASSERT_EQ(out.sink.rows.size(), 3U);
    const auto& r = out.sink.rows;
    EXPECT_EQ(r[0].line, 3U);
    EXPECT_EQ(r[0].transactionType, "other-transaction");
    EXPECT_EQ(r[0].amountType, "other-transaction");
    EXPECT_EQ(r[0].amountDescription, "Inbound Transportation Fee");
    EXPECT_EQ(r[0].amount, -32169);
    EXPECT_EQ(common::formatIsoUtc(r[0].postedUtc), "2025-07-31T20:13:08+00:00");
    EXPECT_EQ(r[1].amountDescription, "Subscription Fee");
    EXPECT_EQ(r[1].amount, -3209);
    EXPECT_EQ(r[2].amountDescription, "Successful charge");
    EXPECT_EQ(r[2].amount, 3209);  // "32.09    ": trailing blanks in the cell
    EXPECT_EQ(r[2].line, 5U);
}

TEST(ParserFixtures, V1MappingOnTheThirtySixColumnFile) {
    SETTLEBRIDGE_SKIP_WITHOUT_REAL_FIXTURES();
    const Outcome out = parseOk(fixturePath(testing::v1Fixtures()[1]));
    const auto& rows = out.sink.rows;
    ASSERT_EQ(rows.size(), 15U);  // 17 transaction lines: one quantity row (no money), ServiceFee line gives 2 rows

    const RecordedRow* principal = findRow(rows, "Order", "ItemPrice", "Principal");
    ASSERT_NE(principal, nullptr);
    EXPECT_EQ(principal->amount, 3500);
    EXPECT_EQ(principal->quantity, 1);  // folded from the quantity row on line 3
    EXPECT_EQ(principal->line, 4U);
    EXPECT_EQ(principal->sku, "SALTT15-ALLT");
    EXPECT_EQ(principal->orderId, "702-1101758-6751437");
    EXPECT_EQ(principal->orderItemCode, "135844999381281");
    EXPECT_EQ(principal->marketplaceName, "Amazon.ca");
    EXPECT_EQ(principal->fulfillmentId, "AFN");
    EXPECT_EQ(common::formatIsoUtc(principal->postedUtc), "2025-08-14T06:23:59+00:00");

    const RecordedRow* shipping = findRow(rows, "Order", "ItemPrice", "Shipping");
    ASSERT_NE(shipping, nullptr);
    EXPECT_EQ(shipping->amount, 699);
    EXPECT_EQ(shipping->quantity, 0);
    EXPECT_EQ(findRow(rows, "Order", "ItemFees", "FBAPerUnitFulfillmentFee")->amount, -612);
    EXPECT_EQ(findRow(rows, "Order", "ItemFees", "Commission")->amount, -562);
    EXPECT_EQ(findRow(rows, "Order", "ItemFees", "DigitalServicesFee")->amount, -17);
    EXPECT_EQ(findRow(rows, "Order", "Promotion", "Shipping")->amount, -699);

    const RecordedRow* refund = findRow(rows, "Refund", "ItemPrice", "Principal");
    ASSERT_NE(refund, nullptr);
    EXPECT_EQ(refund->amount, -6000);
    EXPECT_EQ(refund->quantity, 0);  // V1 refunds carry no quantity
    EXPECT_EQ(refund->adjustmentId, "amzn1:crow:0UcGz5LNTCm+rGIQEkAv5g");
    EXPECT_EQ(findRow(rows, "Refund", "ItemFees", "Commission")->amount, 963);
    EXPECT_EQ(findRow(rows, "Refund", "ItemFees", "RefundCommission")->amount, -193);
    EXPECT_EQ(findRow(rows, "Refund", "ItemFees", "DigitalServicesFee")->amount, 29);

    EXPECT_EQ(findRow(rows, "other-transaction", "other-transaction", "Payable to Amazon")->amount, -32169);
    EXPECT_EQ(findRow(rows, "other-transaction", "other-transaction", "Subscription Fee")->amount, -3209);
    EXPECT_EQ(findRow(rows, "other-transaction", "other-transaction", "Successful charge")->amount, 32169);

    const RecordedRow* ads = findRow(rows, "ServiceFee", "Cost of Advertising", "TransactionTotalAmount");
    ASSERT_NE(ads, nullptr);
    EXPECT_EQ(ads->amount, -116);
    const RecordedRow* adsTax = findRow(rows, "ServiceFee", "OtherFees", "TaxAmount");
    ASSERT_NE(adsTax, nullptr);
    EXPECT_EQ(adsTax->amount, -14);
    EXPECT_EQ(adsTax->line, ads->line);
    EXPECT_EQ(common::formatIsoUtc(ads->postedUtc), "2025-08-13T23:50:56+00:00");

    for (const RecordedRow& r : rows) {
        if (&r != principal) {
            EXPECT_EQ(r.quantity, 0) << r;
        }
    }
}

TEST(ParserFixtures, V1ShipmentFeesAndReimbursements) {
    SETTLEBRIDGE_SKIP_WITHOUT_REAL_FIXTURES();
    const Outcome out = parseOk(fixturePath(testing::v1Fixtures()[2]));
    const RecordedRow* transport = findRow(out.sink.rows, "Order", "ShipmentFees", "FBA transportation fee");
    ASSERT_NE(transport, nullptr);
    EXPECT_EQ(transport->amount, -788);
    EXPECT_EQ(transport->marketplaceName, "Non-Amazon CA");
    const RecordedRow* damage = findRow(out.sink.rows, "other-transaction", "other-transaction", "WAREHOUSE_DAMAGE");
    ASSERT_NE(damage, nullptr);
    EXPECT_EQ(damage->amount, 1525);
    EXPECT_EQ(damage->sku, "SALTT30-CRML");
    EXPECT_EQ(damage->quantity, 0);  // a reimbursement's quantity is not a sale
    EXPECT_EQ(findRow(out.sink.rows, "other-transaction", "other-transaction", "Micro Deposit")->amount, -1);

    const Outcome reversal = parseOk(fixturePath(testing::v1Fixtures()[4]));
    common::Cents reimbursed = 0;
    for (const RecordedRow& r : reversal.sink.rows) {
        if (r.amountDescription == "REVERSAL_REIMBURSEMENT") {
            reimbursed += r.amount;
            EXPECT_EQ(r.quantity, 0);
            EXPECT_EQ(r.transactionType, "other-transaction");
        }
    }
    EXPECT_EQ(reimbursed, 8658);
}

/// Units per SKU of Order items counted straight from the raw file: the V1 quantity rows (quantity set, no
/// amount in any amount column).
std::map<std::string, std::int64_t> rawOrderedUnits(const std::string& path) {
    std::istringstream in(readAll(path));
    std::string line;
    std::getline(in, line);
    const std::vector<std::string> header = splitTabs(line);
    std::map<std::string, std::size_t> col;
    for (std::size_t i = 0; i < header.size(); ++i) col[header[i]] = i;
    std::map<std::string, std::int64_t> units;
    while (std::getline(in, line)) {
        std::vector<std::string> f = splitTabs(line);
        f.resize(header.size());
        if (f[col["transaction-type"]] != "Order" || f[col["quantity-purchased"]].empty()) continue;
        bool money = false;
        for (std::size_t i = 0; i < header.size(); ++i) {
            const std::string& name = header[i];
            if (name.size() > 7 && name.compare(name.size() - 7, 7, "-amount") == 0 && name != "total-amount" &&
                f[i].find_first_not_of(' ') != std::string::npos) {
                money = true;
            }
        }
        if (!money) units[f[col["sku"]]] += std::stoll(f[col["quantity-purchased"]]);
    }
    return units;
}

TEST(ParserFixtures, V1QuantitiesCountedOncePerOrderedItem) {
    for (const std::string& file : testing::allV1Files()) {
        if (file.find("windows-1252") != std::string::npos) continue;  // raw SKUs are not UTF-8 there
        SCOPED_TRACE(file);
        const std::map<std::string, std::int64_t> expected = rawOrderedUnits(fixturePath(file));
        const Outcome out = parseOk(fixturePath(file));
        std::map<std::string, std::int64_t> got;
        std::size_t principals = 0;
        for (const RecordedRow& r : out.sink.rows) {
            if (r.quantity == 0) continue;
            EXPECT_EQ(r.transactionType, "Order") << r;
            EXPECT_EQ(r.amountType, "ItemPrice") << r;
            EXPECT_EQ(r.amountDescription, "Principal") << r;
            got[r.sku] += r.quantity;
        }
        for (const RecordedRow& r : out.sink.rows) {
            if (r.transactionType == "Order" && r.amountDescription == "Principal") {
                ++principals;
                EXPECT_GT(r.quantity, 0) << "an ordered item without its quantity: " << r;
            }
        }
        EXPECT_EQ(got, expected);
        (void)principals;
    }
}

TEST(ParserFixtures, V1QuantitiesOfTheRealFilesCheckedByHand) {
    SETTLEBRIDGE_SKIP_WITHOUT_REAL_FIXTURES();
    // Concrete figures (checked by hand with awk over the raw files).
    const auto largest = rawOrderedUnits(fixturePath(testing::v1Fixtures()[6]));
    EXPECT_EQ(largest.at("SALTT30-FRUT"), 90);
    const Outcome out = parseOk(fixturePath(testing::v1Fixtures()[6]));
    std::int64_t frut = 0;
    std::int64_t all = 0;
    for (const RecordedRow& r : out.sink.rows) {
        all += r.quantity;
        if (r.sku == "SALTT30-FRUT") frut += r.quantity;
    }
    EXPECT_EQ(frut, 90);
    EXPECT_EQ(all, 300);
    const Outcome ulta = parseOk(fixturePath(testing::v1Fixtures()[4]));
    std::int64_t ultaUnits = 0;
    for (const RecordedRow& r : ulta.sink.rows) {
        if (r.sku == "SALTT30-ULTA") ultaUnits += r.quantity;
    }
    EXPECT_EQ(ultaUnits, 42);
}

TEST(ParserFixtures, V2IndiaQuantitiesOnlyOnPrincipalRows) {
    SETTLEBRIDGE_SKIP_WITHOUT_REAL_FIXTURES();
    const Outcome out = parseOk(fixturePath(testing::v2Fixture()));
    const auto& rows = out.sink.rows;
    ASSERT_EQ(rows.size(), 14U);
    std::int64_t soldA = 0;
    std::int64_t soldB = 0;
    std::int64_t refundedB = 0;
    for (const RecordedRow& r : rows) {
        if (r.transactionType == "Order" && r.sku == "FIX-SKU-A") soldA += r.quantity;
        if (r.transactionType == "Order" && r.sku == "FIX-SKU-B") soldB += r.quantity;
        if (r.transactionType == "Refund" && r.sku == "FIX-SKU-B") refundedB += r.quantity;
        if (r.amountDescription != "Principal") {
            EXPECT_EQ(r.quantity, 0) << r;
        }
    }
    EXPECT_EQ(soldA, 1);
    EXPECT_EQ(soldB, 1);
    EXPECT_EQ(refundedB, 1);

    const RecordedRow* principal = findRow(rows, "Order", "ItemPrice", "Principal", "FIX-SKU-A");
    ASSERT_NE(principal, nullptr);
    EXPECT_EQ(principal->amount, 39900);
    EXPECT_EQ(common::formatIsoUtc(principal->postedUtc), "2026-05-26T04:45:29+00:00");
    EXPECT_EQ(principal->fulfillmentId, "MFN");
    EXPECT_EQ(principal->marketplaceName, "Amazon.in");
    // Rows with no posted-date-time fall back on the date-only posted-date.
    const RecordedRow* payable = findRow(rows, "other-transaction", "other-transaction", "Payable to Amazon");
    ASSERT_NE(payable, nullptr);
    EXPECT_EQ(payable->amount, -100000);
    EXPECT_EQ(common::formatIsoUtc(payable->postedUtc), "2026-05-25T00:00:00+00:00");
    const RecordedRow* debt =
        findRow(rows, "Debt Adjustment", "Debt Adjustment",
                "Debt adjustment against Electronic Transaction (Credit Card/Net Banking/GC) Accounts");
    ASSERT_NE(debt, nullptr);
    EXPECT_EQ(debt->amount, 50000);
    EXPECT_EQ(debt->orderId, "20082211408-202605301221");
    EXPECT_EQ(findRow(rows, "ServiceFee", "Cost of Advertising", "TransactionTotalAmount")->amount, -78021);
}

// ---------------------------------------------------------------------------------------------------------
// Synthetic files

TEST(ParserSynthetic, EuropeanDecimalCommasAndDayFirstDates) {
    const Outcome out = parseOk(dataPath("v2_DE_EUR_decimal_comma.txt"));
    const SettlementHeader& h = *out.sink.header;
    EXPECT_EQ(h.settlementId, "19482314502");
    EXPECT_EQ(common::formatIsoUtc(h.startUtc), "2023-03-14T07:49:55+00:00");
    EXPECT_EQ(common::formatIsoUtc(h.endUtc), "2023-03-28T07:49:55+00:00");
    EXPECT_EQ(common::formatIsoUtc(h.depositUtc), "2023-03-30T07:49:55+00:00");
    EXPECT_EQ(h.totalAmount, 108336);
    EXPECT_EQ(h.currency, "EUR");
    EXPECT_EQ(h.layout, Layout::FlatFileV2);
    EXPECT_EQ(out.sink.sum(), 108336);
    const auto& rows = out.sink.rows;
    ASSERT_EQ(rows.size(), 9U);
    EXPECT_EQ(rows[0].amount, 123456);  // 1.234,56
    EXPECT_EQ(rows[0].quantity, 2);
    EXPECT_EQ(rows[0].sku,
              "DE-Kaffee-Gr\xC3\xB6\xC3\x9F"
              "e-L");  // UTF-8 kept as is
    EXPECT_EQ(common::formatIsoUtc(rows[0].postedUtc), "2023-03-15T10:11:12+00:00");
    EXPECT_EQ(rows[1].quantity, 0);  // Tax row of the same item: quantity-purchased repeated, not counted
    EXPECT_EQ(rows[2].amount, -18518);
    EXPECT_EQ(rows[4].transactionType, "Refund");
    EXPECT_EQ(rows[4].amount, -9500);
    EXPECT_EQ(rows[4].quantity, 1);
    EXPECT_EQ(rows[7].amountDescription, "Current Reserve Amount");
    EXPECT_EQ(rows[7].amount, -110000);  // -1.100,00
    EXPECT_EQ(rows[8].amount, 100000);
}

TEST(ParserSynthetic, UsMarketplaceFacilitatorTaxAndTwentyThreeColumns) {
    const Outcome out = parseOk(dataPath("v2_US_USD_marketplace_facilitator_23col.txt"));
    const SettlementHeader& h = *out.sink.header;
    EXPECT_EQ(h.settlementId, "12000000001");
    EXPECT_EQ(common::formatIsoUtc(h.startUtc), "2019-05-09T07:10:09+00:00");  // 2019-05-09T00:10:09-07:00
    EXPECT_EQ(common::formatIsoUtc(h.endUtc), "2019-05-23T07:10:09+00:00");
    EXPECT_EQ(h.totalAmount, 81745);
    EXPECT_EQ(out.sink.sum(), 81745);
    const auto& rows = out.sink.rows;
    ASSERT_EQ(rows.size(), 20U);
    EXPECT_EQ(findRow(rows, "Order", "ItemWithheldTax", "MarketplaceFacilitatorTax-Principal", "US-MUG-RED")->amount,
              -210);
    EXPECT_EQ(findRow(rows, "Order", "ItemWithheldTax", "MarketplaceFacilitatorTax-Shipping", "US-MUG-RED")->amount,
              -35);
    EXPECT_EQ(findRow(rows, "Order", "ItemPrice", "Principal", "US-LAMP-XL")->amount, 104997);  // 1,049.97
    EXPECT_EQ(findRow(rows, "Order", "ItemPrice", "Principal", "US-LAMP-XL")->quantity, 3);
    EXPECT_EQ(findRow(rows, "Order", "Promotion", "Principal", "US-LAMP-XL")->quantity, 0);
    EXPECT_EQ(findRow(rows, "Order", "ItemPrice", "Principal", "US-MUG-RED")->quantity, 1);
    EXPECT_EQ(findRow(rows, "Refund", "ItemPrice", "Principal", "US-MUG-RED")->quantity, 1);
    EXPECT_EQ(findRow(rows, "Refund", "ItemWithheldTax", "MarketplaceFacilitatorTax-Principal")->amount, 210);
    EXPECT_EQ(common::formatIsoUtc(findRow(rows, "Order", "ItemPrice", "Principal", "US-MUG-RED")->postedUtc),
              "2019-05-09T07:10:09+00:00");
    std::int64_t units = 0;
    for (const RecordedRow& r : rows) units += r.quantity;
    EXPECT_EQ(units, 5);
}

TEST(ParserSynthetic, BomCrlfTrailingTabsBlankLinesAndBlanksInCells) {
    const Outcome out = parseOk(dataPath("v2_GB_GBP_bom_crlf_trailing_tabs_blank_lines.txt"));
    const SettlementHeader& h = *out.sink.header;
    EXPECT_EQ(h.settlementId, "33000000001");  // the BOM did not stick to the first column name
    EXPECT_EQ(h.totalAmount, 4000);
    EXPECT_EQ(h.currency, "GBP");
    const auto& rows = out.sink.rows;
    ASSERT_EQ(rows.size(), 3U);
    EXPECT_EQ(rows[0].line, 4U);  // blank lines still count
    EXPECT_EQ(rows[0].amount, 5000);
    EXPECT_EQ(rows[0].quantity, 2);
    EXPECT_EQ(rows[0].sku, "UK-SKU-1");
    EXPECT_EQ(rows[0].fulfillmentId, "MFN");
    EXPECT_EQ(rows[1].line, 6U);
    EXPECT_EQ(rows[1].amountType, "ItemFees");  // " ItemFees" trimmed
    EXPECT_EQ(rows[1].amountDescription, "Commission");
    EXPECT_EQ(rows[1].amount, -750);
    EXPECT_EQ(rows[2].line, 8U);
    EXPECT_EQ(rows[2].amountDescription, "Shipping label purchase");
    for (const RecordedRow& r : rows) {
        EXPECT_EQ(r.amountDescription.find('\r'), std::string::npos);
        EXPECT_EQ(r.sku.find('\r'), std::string::npos);
    }
    EXPECT_EQ(out.sink.sum(), 4000);
}

TEST(ParserSynthetic, Windows1252TextBecomesUtf8) {
    const std::string raw = readAll(dataPath("v2_FR_EUR_windows1252.txt"));
    ASSERT_FALSE(common::isValidUtf8(raw));  // the input really is Windows-1252
    const Outcome out = parseOk(dataPath("v2_FR_EUR_windows1252.txt"));
    const auto& rows = out.sink.rows;
    ASSERT_EQ(rows.size(), 3U);
    EXPECT_EQ(rows[0].sku, "CAF\xC3\x89-CR\xC3\x88ME-250g");  // CAFÉ-CRÈME-250g
    EXPECT_EQ(rows[0].quantity, 1);
    EXPECT_EQ(rows[0].amount, 1990);
    EXPECT_EQ(rows[2].amountDescription, "Frais de stockage \xE2\x80\x93 \xC3\xA9t\xC3\xA9 \xE2\x82\xAC");  // – été €
    EXPECT_EQ(out.sink.sum(), 1580);
}

TEST(ParserSynthetic, ColumnsFoundByNameInAnyOrderWithUnknownColumns) {
    const Outcome out = parseOk(dataPath("v2_reordered_extra_columns.txt"));
    const SettlementHeader& h = *out.sink.header;
    EXPECT_EQ(h.settlementId, "55000000001");
    EXPECT_EQ(h.currency, "USD");  // "usd" upper-cased
    EXPECT_EQ(common::formatIsoUtc(h.startUtc), "2024-06-30T22:00:00+00:00");
    const auto& rows = out.sink.rows;
    ASSERT_EQ(rows.size(), 3U);
    EXPECT_EQ(rows[0].amount, 4000);
    EXPECT_EQ(rows[0].quantity, 4);
    EXPECT_EQ(rows[0].orderItemCode, "55");
    EXPECT_EQ(rows[0].orderId, "");  // optional column absent
    EXPECT_EQ(common::formatIsoUtc(rows[0].postedUtc), "2024-07-01T10:00:00+00:00");
    EXPECT_EQ(rows[2].amount, 50);  // 0.5
    EXPECT_EQ(out.sink.sum(), h.totalAmount);
}

// ---------------------------------------------------------------------------------------------------------
// Bad inputs

struct BadFile {
    std::string file;
    std::size_t line;
    std::size_t column;
    std::string field;
    std::string message;     // a part of what()
    std::size_t rowsBefore;  // rows delivered before the error
};

TEST(ParserErrors, EachBadFileNamesLineColumnAndField) {
    const BadFile cases[] = {
        {"bad_missing_column.txt", 1, 0, "amount-description", "missing column", 0},
        {"bad_amount.txt", 4, 15, "amount", "cannot read \"12,3x\" as an amount", 1},
        {"bad_ambiguous_amount.txt", 3, 15, "amount", "cannot read \"1,234\" as an amount", 0},
        {"bad_date.txt", 5, 18, "posted-date-time", "cannot read \"2025-02-30 00:00:00 UTC\" as a date", 2},
        {"bad_summary_date.txt", 2, 3, "settlement-end-date", "cannot read \"15/01/2025\" as a date", 0},
        {"bad_other_settlement.txt", 4, 1, "settlement-id", "row of settlement \"66000000002\"", 1},
        {"bad_not_a_settlement.txt", 1, 0, "", "not a settlement report", 0},
        {"bad_empty.txt", 1, 0, "", "empty file", 0},
        {"bad_header_only.txt", 2, 0, "", "ends before the settlement summary row", 0},
        {"bad_missing_summary.txt", 2, 5, "total-amount", "missing settlement summary row", 0},
    };
    for (const BadFile& c : cases) {
        SCOPED_TRACE(c.file);
        const std::string path = dataPath(c.file);
        const Outcome out = parsePath(path);
        ASSERT_TRUE(out.failed);
        EXPECT_EQ(out.line, c.line);
        EXPECT_EQ(out.column, c.column);
        EXPECT_EQ(out.field, c.field);
        EXPECT_NE(out.what.find(c.message), std::string::npos) << out.what;
        EXPECT_EQ(out.what.rfind(path, 0), 0U) << "what() starts with the file name: " << out.what;
        EXPECT_EQ(out.sink.rows.size(), c.rowsBefore);
    }
}

TEST(ParserErrors, WhatReadsFileLineColumnField) {
    const Outcome out = parseBytes(readAll(dataPath("bad_amount.txt")), Mode::Memory, "settlement.txt");
    ASSERT_TRUE(out.failed);
    EXPECT_EQ(out.what, "settlement.txt:4:15: field 'amount': cannot read \"12,3x\" as an amount");
    const ParseError e("f.txt", 0, 0, "", "boom");
    EXPECT_STREQ(e.what(), "f.txt: boom");
    EXPECT_EQ(e.detail(), "boom");
    const ParseError e2("f.txt", 7, 0, "currency", "bad");
    EXPECT_STREQ(e2.what(), "f.txt:7: field 'currency': bad");
}

TEST(ParserErrors, HeaderProblems) {
    // V1 header without other-amount.
    std::vector<std::string> v1 = kV1Header;
    v1.erase(std::find(v1.begin(), v1.end(), "other-amount"));
    Outcome out = parseBytes(joinTabs(v1), Mode::Memory);
    ASSERT_TRUE(out.failed);
    EXPECT_EQ(out.field, "other-amount");
    EXPECT_EQ(out.line, 1U);
    EXPECT_NE(out.what.find("legacy flat file"), std::string::npos);

    // Both layouts' amount columns.
    std::vector<std::string> mixed = kV2Header;
    mixed.push_back("price-amount");
    out = parseBytes(joinTabs(mixed), Mode::Memory);
    ASSERT_TRUE(out.failed);
    EXPECT_NE(out.what.find("not a settlement report"), std::string::npos);

    // settlement-id but no amount column at all.
    out = parseBytes("settlement-id\tsku\tquantity\n1\tX\t1\n", Mode::Memory);
    ASSERT_TRUE(out.failed);
    EXPECT_NE(out.what.find("not a settlement report: the header has no amount column"), std::string::npos);

    // A duplicated column.
    std::vector<std::string> dup = kV2Header;
    dup.push_back("amount");
    out = parseBytes(joinTabs(dup), Mode::Memory);
    ASSERT_TRUE(out.failed);
    EXPECT_EQ(out.field, "amount");
    EXPECT_EQ(out.column, 25U);

    // Only blank lines.
    out = parseBytes("\n\r\n  \t \n", Mode::Memory);
    ASSERT_TRUE(out.failed);
    EXPECT_NE(out.what.find("empty file"), std::string::npos);

    // Binary junk that starts like gzip: a compressed file cut short.
    out = parseBytes(std::string("\x1f\x8b\x08\0\0\0", 6), Mode::Memory);
    ASSERT_TRUE(out.failed);
    EXPECT_NE(out.what.find("gzip-compressed data ends early"), std::string::npos) << out.what;
    // Binary junk.
    out = parseBytes(std::string("\x01\x02\x03\x04\x05\n", 6), Mode::Memory);
    ASSERT_TRUE(out.failed);
    EXPECT_NE(out.what.find("not a settlement report"), std::string::npos);
}

TEST(ParserErrors, SummaryRowProblems) {
    const std::string header = joinTabs(kV2Header);
    std::map<std::string, std::string> summary = {{"settlement-id", "66000000001"},
                                                  {"settlement-start-date", "2025-01-01 00:00:00 UTC"},
                                                  {"settlement-end-date", "2025-01-15 00:00:00 UTC"},
                                                  {"deposit-date", "2025-01-17 00:00:00 UTC"},
                                                  {"total-amount", "1.00"},
                                                  {"currency", "USD"}};
    struct Case {
        std::string column;
        std::string value;
        std::size_t expectedColumn;
        std::string message;
    };
    const Case cases[] = {
        {"settlement-id", "ABC", 1, "not 1 to 20 digits"},
        {"settlement-id", "123456789012345678901", 1, "not 1 to 20 digits"},
        {"currency", "", 6, "empty on the settlement summary row"},
        {"currency", "US", 6, "three-letter"},
        {"deposit-date", "", 4, "empty on the settlement summary row"},
        {"total-amount", "1,000", 5, "as an amount"},
        {"settlement-start-date", "2025-01-01T00:00:00", 2, "as a date"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.column + "=" + c.value);
        std::map<std::string, std::string> values = summary;
        values[c.column] = c.value;
        const Outcome out = parseBytes(header + tsv(kV2Header, values), Mode::Memory);
        ASSERT_TRUE(out.failed);
        EXPECT_EQ(out.line, 2U);
        EXPECT_EQ(out.column, c.expectedColumn);
        EXPECT_EQ(out.field, c.column);
        EXPECT_NE(out.what.find(c.message), std::string::npos) << out.what;
        EXPECT_FALSE(out.sink.header.has_value());
    }
}

TEST(ParserErrors, RowProblems) {
    const std::string start = joinTabs(kV2Header) + v2Summary("5.00");
    const std::map<std::string, std::string> good = {{"transaction-type", "Order"},
                                                     {"amount-type", "ItemPrice"},
                                                     {"amount-description", "Principal"},
                                                     {"amount", "5.00"},
                                                     {"posted-date-time", "2025-01-02 00:00:00 UTC"},
                                                     {"quantity-purchased", "1"}};
    // Empty amount on a row that names an amount-type.
    auto values = good;
    values["amount"] = "  ";
    Outcome out = parseBytes(start + v2Row(values), Mode::Memory);
    ASSERT_TRUE(out.failed);
    EXPECT_EQ(out.line, 3U);
    EXPECT_EQ(out.column, 15U);
    EXPECT_EQ(out.field, "amount");
    // Bad quantity on a Principal row.
    values = good;
    values["quantity-purchased"] = "1.5";
    out = parseBytes(start + v2Row(values), Mode::Memory);
    ASSERT_TRUE(out.failed);
    EXPECT_EQ(out.field, "quantity-purchased");
    EXPECT_EQ(out.column, 23U);
    // A V2 posted-date in a style the parser does not read (Amazon documents MM/DD/YY) while posted-date-time
    // is empty: posted-date is display-only in V2, so the row is kept with no date instead of failing the file.
    values = good;
    values.erase("posted-date-time");
    values["posted-date"] = "01/02/25";
    out = parseBytes(start + v2Row(values), Mode::Memory);
    ASSERT_FALSE(out.failed);
    ASSERT_EQ(out.sink.rows.size(), 1U);
    EXPECT_EQ(out.sink.rows[0].postedUtc, 0);
    EXPECT_EQ(out.sink.rows[0].amount, 500);
    // An empty settlement-id on a row.
    values = good;
    std::string row = v2Row(values);
    row.erase(0, std::string("66000000001").size());
    out = parseBytes(start + row, Mode::Memory);
    ASSERT_TRUE(out.failed);
    EXPECT_EQ(out.field, "settlement-id");
    EXPECT_EQ(out.line, 3U);
}

TEST(ParserErrors, NothingIsDeliveredAfterTheError) {
    // A wide row with a good and a bad amount: the good one is not delivered either.
    const std::string summary = tsv(kV1Header, {{"settlement-id", "1"},
                                                {"settlement-start-date", "2025-01-01T00:00:00+00:00"},
                                                {"settlement-end-date", "2025-01-15T00:00:00+00:00"},
                                                {"deposit-date", "2025-01-17T00:00:00+00:00"},
                                                {"total-amount", "1.00"},
                                                {"currency", "CAD"}});
    const std::string good = tsv(kV1Header, {{"settlement-id", "1"},
                                             {"transaction-type", "Order"},
                                             {"price-type", "Principal"},
                                             {"price-amount", "1.00"},
                                             {"posted-date", "2025-01-02T00:00:00+00:00"}});
    const std::string bad = tsv(kV1Header, {{"settlement-id", "1"},
                                            {"transaction-type", "Order"},
                                            {"price-type", "Principal"},
                                            {"price-amount", "2.00"},
                                            {"item-related-fee-type", "Commission"},
                                            {"item-related-fee-amount", "-0,3O"},
                                            {"posted-date", "2025-01-02T00:00:00+00:00"}});
    for (const Mode mode : {Mode::Memory, Mode::Stream, Mode::TinyChunks}) {
        const Outcome out = parseBytes(joinTabs(kV1Header) + summary + good + bad + good, mode);
        ASSERT_TRUE(out.failed);
        EXPECT_EQ(out.line, 4U);
        EXPECT_EQ(out.column, 27U);
        EXPECT_EQ(out.field, "item-related-fee-amount");
        ASSERT_EQ(out.sink.rows.size(), 1U);
        EXPECT_EQ(out.sink.rows[0].line, 3U);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Tolerated oddities

TEST(ParserTolerance, PostedDateOnlyMattersWithoutPostedDateTime) {
    const std::string start = joinTabs(kV2Header) + v2Summary("5.00");
    const Outcome out = parseBytes(start + v2Row({{"transaction-type", "Order"},
                                                  {"amount-type", "ItemPrice"},
                                                  {"amount-description", "Principal"},
                                                  {"amount", "5.00"},
                                                  {"posted-date", "01/02/25"},
                                                  {"posted-date-time", "2025-01-02 03:04:05 UTC"}}),
                                   Mode::Memory);
    ASSERT_FALSE(out.failed) << out.what;
    ASSERT_EQ(out.sink.rows.size(), 1U);
    EXPECT_EQ(common::formatIsoUtc(out.sink.rows[0].postedUtc), "2025-01-02T03:04:05+00:00");
}

TEST(ParserTolerance, RowsWithoutAnyAmountAreSkippedAndRepeatedTotalsNotSummed) {
    const std::string start = joinTabs(kV2Header) + v2Summary("7.00");
    const Outcome out = parseBytes(start + v2Row({{"transaction-type", "Order"}}) +
                                       v2Row({{"transaction-type", "Order"},
                                              {"amount-type", "ItemPrice"},
                                              {"amount-description", "Principal"},
                                              {"amount", "7.00"},
                                              {"total-amount", "7.00"},
                                              {"quantity-purchased", "2"},
                                              {"posted-date-time", "2025-01-02 00:00:00 UTC"}}) +
                                       v2Row({{"transaction-type", "A-to-z Guarantee Refund"},
                                              {"amount-type", "ItemPrice"},
                                              {"amount-description", "Principal"},
                                              {"amount", "0.00"},
                                              {"quantity-purchased", "1"}}),
                                   Mode::Memory);
    ASSERT_FALSE(out.failed) << out.what;
    ASSERT_EQ(out.sink.rows.size(), 2U);
    EXPECT_EQ(out.sink.rows[0].line, 4U);
    EXPECT_EQ(out.sink.rows[0].quantity, 2);
    EXPECT_EQ(out.sink.rows[1].quantity, 0);   // only Order and Refund items count units
    EXPECT_EQ(out.sink.rows[1].postedUtc, 0);  // no posted date at all
    EXPECT_EQ(out.sink.sum(), 700);
}

TEST(ParserTolerance, SummaryRowThatAlsoCarriesATransaction) {
    std::map<std::string, std::string> values = {{"settlement-id", "66000000001"},
                                                 {"settlement-start-date", "2025-01-01 00:00:00 UTC"},
                                                 {"settlement-end-date", "2025-01-15 00:00:00 UTC"},
                                                 {"deposit-date", "2025-01-17 00:00:00 UTC"},
                                                 {"total-amount", "3.00"},
                                                 {"currency", "USD"},
                                                 {"transaction-type", "other-transaction"},
                                                 {"amount-type", "other-transaction"},
                                                 {"amount-description", "Storage Fee"},
                                                 {"amount", "3.00"}};
    const Outcome out = parseBytes(joinTabs(kV2Header) + tsv(kV2Header, values), Mode::Memory);
    ASSERT_FALSE(out.failed) << out.what;
    ASSERT_EQ(out.sink.rows.size(), 1U);
    EXPECT_EQ(out.sink.rows[0].line, 2U);
    EXPECT_EQ(out.sink.rows[0].amount, 300);
}

TEST(ParserTolerance, HeaderNamesIgnoreCaseAndBlanksAndLastLineNeedsNoNewline) {
    std::string header;
    for (const std::string& n : kV2Header) {
        std::string upper = n;
        for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
        header += (header.empty() ? "" : "\t") + std::string(" ") + upper + " ";
    }
    std::string last = v2Row({{"transaction-type", "Order"},
                              {"amount-type", "ItemPrice"},
                              {"amount-description", "Principal"},
                              {"amount", "5.00"}});
    last.pop_back();  // no final newline
    const Outcome out = parseBytes(header + "\n" + v2Summary("5.00") + last, Mode::Memory);
    ASSERT_FALSE(out.failed) << out.what;
    ASSERT_EQ(out.sink.rows.size(), 1U);
    EXPECT_EQ(out.sink.rows[0].amount, 500);
}

// ---------------------------------------------------------------------------------------------------------
// Wide layout (V1) normalisation on a synthetic file that uses every amount column

std::string v1(std::map<std::string, std::string> values) {
    values.emplace("settlement-id", "77000000001");
    values.emplace("posted-date", "2025-03-01T10:00:00+00:00");
    return tsv(kV1Header, values);
}

TEST(ParserV1, EveryAmountColumnAndQuantityFolding) {
    std::string file = joinTabs(kV1Header);
    file += tsv(kV1Header, {{"settlement-id", "77000000001"},
                            {"settlement-start-date", "2025-03-01T00:00:00+00:00"},
                            {"settlement-end-date", "2025-03-15T00:00:00+00:00"},
                            {"deposit-date", "2025-03-17T00:00:00+00:00"},
                            {"total-amount", "-76.03"},
                            {"currency", "CAD"}});
    const auto order = [](std::string code, std::map<std::string, std::string> values) {
        values.emplace("transaction-type", "Order");
        values.emplace("order-id", "701-0000000-" + code);
        values.emplace("order-item-code", code);
        values.emplace("sku", "SKU-" + code);
        return v1(values);
    };
    file += order("1", {{"quantity-purchased", "2"}});                                                    // line 3
    file += order("1", {{"price-type", "Principal"}, {"price-amount", "20.00"}});                         // 4
    file += order("1", {{"price-type", "Shipping"}, {"price-amount", "3.00"}});                           // 5
    file += order("1", {{"item-related-fee-type", "Commission"}, {"item-related-fee-amount", "-3.00"}});  // 6
    file += order("1", {{"promotion-type", "Shipping"}, {"promotion-amount", "-3.00"}, {"promotion-id", "P1"}});  // 7
    file += order("2", {{"quantity-purchased", "1"}});                                                            // 8
    file += order("3", {{"quantity-purchased", "5"}});                             // 9: interleaved
    file += order("2", {{"price-type", "Principal"}, {"price-amount", "10.00"}});  // 10
    file += order("3", {{"price-type", "Principal"}, {"price-amount", "50.00"}});  // 11
    file += v1({{"transaction-type", "Order"},
                {"order-id", "S01-1"},
                {"shipment-fee-type", "FBA transportation fee"},
                {"shipment-fee-amount", "-7.88"},
                {"order-fee-type", "Order handling"},
                {"order-fee-amount", "-1.00"}});  // 12
    file += v1({{"transaction-type", "Refund"},
                {"order-item-code", "1"},
                {"sku", "SKU-1"},
                {"price-type", "Principal"},
                {"price-amount", "-20.00"},
                {"adjustment-id", "amzn1:crow:x"}});  // 13
    file += v1({{"transaction-type", "Refund"},
                {"order-item-code", "4"},
                {"sku", "SKU-4"},
                {"quantity-purchased", "1"}});  // 14
    file += v1({{"transaction-type", "Refund"},
                {"order-item-code", "4"},
                {"sku", "SKU-4"},
                {"price-type", "Principal"},
                {"price-amount", "-5.00"}});  // 15
    file += v1({{"transaction-type", "WAREHOUSE_DAMAGE"},
                {"sku", "SKU-9"},
                {"quantity-purchased", "1"},
                {"other-amount", "15.25"}});             // 16
    file += order("9", {{"quantity-purchased", "4"}});   // 17: never sold
    file += order("5", {{"misc-fee-amount", "-0.50"}});  // 18
    file += v1({{"transaction-type", "ServiceFee"},
                {"item-related-fee-type", "Cost of Advertising"},
                {"item-related-fee-amount", "-1.16"},
                {"other-fee-amount", "-0.14"},
                {"other-fee-reason-description", "TaxAmount"}});  // 19
    file += v1({{"transaction-type", "Order"},
                {"direct-payment-type", "Direct payment"},
                {"direct-payment-amount", "2.00"}});  // 20
    file += order("6", {{"quantity-purchased", "3"},
                        {"price-type", "Principal"},
                        {"price-amount", "30.00"},
                        {"item-related-fee-type", "Commission"},
                        {"item-related-fee-amount", "-4.50"}});                                         // 21
    file += v1({{"transaction-type", "Storage Fee"}, {"other-amount", "-160.10"}});                     // 22
    file += order("7", {{"quantity-purchased", "1"}});                                                  // 23: no code
    file += v1({{"transaction-type", "Order"}, {"order-item-code", ""}, {"quantity-purchased", "1"}});  // 24

    for (const Mode mode : {Mode::Memory, Mode::TinyChunks}) {
        const Outcome out = parseBytes(file, mode);
        ASSERT_FALSE(out.failed) << out.what;
        EXPECT_EQ(out.sink.header->layout, Layout::FlatFileV1);
        const auto& r = out.sink.rows;
        struct Expect {
            std::size_t line;
            const char* transactionType;
            const char* amountType;
            const char* description;
            common::Cents amount;
            std::int64_t quantity;
        };
        const Expect expected[] = {
            {4, "Order", "ItemPrice", "Principal", 2000, 2},
            {5, "Order", "ItemPrice", "Shipping", 300, 0},
            {6, "Order", "ItemFees", "Commission", -300, 0},
            {7, "Order", "Promotion", "Shipping", -300, 0},
            {10, "Order", "ItemPrice", "Principal", 1000, 1},
            {11, "Order", "ItemPrice", "Principal", 5000, 5},
            {12, "Order", "ShipmentFees", "FBA transportation fee", -788, 0},
            {12, "Order", "OrderFees", "Order handling", -100, 0},
            {13, "Refund", "ItemPrice", "Principal", -2000, 0},
            {15, "Refund", "ItemPrice", "Principal", -500, 1},
            {16, "other-transaction", "other-transaction", "WAREHOUSE_DAMAGE", 1525, 0},
            {18, "Order", "MiscFees", "MiscFee", -50, 0},
            {19, "ServiceFee", "Cost of Advertising", "TransactionTotalAmount", -116, 0},
            {19, "ServiceFee", "OtherFees", "TaxAmount", -14, 0},
            {20, "Order", "DirectPayment", "Direct payment", 200, 0},
            {21, "Order", "ItemPrice", "Principal", 3000, 3},
            {21, "Order", "ItemFees", "Commission", -450, 0},
            {22, "other-transaction", "other-transaction", "Storage Fee", -16010, 0},
        };
        ASSERT_EQ(r.size(), std::size(expected));
        for (std::size_t i = 0; i < r.size(); ++i) {
            SCOPED_TRACE(i);
            EXPECT_EQ(r[i].line, expected[i].line);
            EXPECT_EQ(r[i].transactionType, expected[i].transactionType);
            EXPECT_EQ(r[i].amountType, expected[i].amountType);
            EXPECT_EQ(r[i].amountDescription, expected[i].description);
            EXPECT_EQ(r[i].amount, expected[i].amount);
            EXPECT_EQ(r[i].quantity, expected[i].quantity);
            EXPECT_EQ(common::formatIsoUtc(r[i].postedUtc), "2025-03-01T10:00:00+00:00");
        }
        EXPECT_EQ(r[0].orderId, "701-0000000-1");
        EXPECT_EQ(r[0].sku, "SKU-1");
        EXPECT_EQ(r[8].adjustmentId, "amzn1:crow:x");
        EXPECT_EQ(r[10].sku, "SKU-9");
        EXPECT_EQ(out.sink.sum(), out.sink.header->totalAmount);
    }
}

TEST(ParserV1, PendingQuantitiesStayBounded) {
    // Thousands of quantity rows whose items never show a Principal row: nothing is emitted, nothing grows
    // without bound, and a later item still gets its own quantity.
    std::string file = joinTabs(kV1Header);
    file += tsv(kV1Header, {{"settlement-id", "77000000001"},
                            {"settlement-start-date", "2025-03-01T00:00:00+00:00"},
                            {"settlement-end-date", "2025-03-15T00:00:00+00:00"},
                            {"deposit-date", "2025-03-17T00:00:00+00:00"},
                            {"total-amount", "1.00"},
                            {"currency", "CAD"}});
    for (int i = 0; i < 5000; ++i) {
        file += v1(
            {{"transaction-type", "Order"}, {"order-item-code", "X" + std::to_string(i)}, {"quantity-purchased", "1"}});
    }
    file += v1({{"transaction-type", "Order"}, {"order-item-code", "LAST"}, {"quantity-purchased", "2"}});
    file += v1({{"transaction-type", "Order"},
                {"order-item-code", "LAST"},
                {"price-type", "Principal"},
                {"price-amount", "1.00"}});
    const Outcome out = parseBytes(file, Mode::Memory);
    ASSERT_FALSE(out.failed) << out.what;
    ASSERT_EQ(out.sink.rows.size(), 1U);
    EXPECT_EQ(out.sink.rows[0].quantity, 2);
}

// ---------------------------------------------------------------------------------------------------------
// Streaming: the same result whatever the read sizes

void expectSameOutcome(const Outcome& a, const Outcome& b) {
    ASSERT_EQ(a.failed, b.failed) << a.what << " / " << b.what;
    EXPECT_EQ(a.line, b.line);
    EXPECT_EQ(a.column, b.column);
    EXPECT_EQ(a.field, b.field);
    ASSERT_EQ(a.sink.header.has_value(), b.sink.header.has_value());
    if (a.sink.header) {
        EXPECT_EQ(a.sink.header->settlementId, b.sink.header->settlementId);
        EXPECT_EQ(a.sink.header->startUtc, b.sink.header->startUtc);
        EXPECT_EQ(a.sink.header->endUtc, b.sink.header->endUtc);
        EXPECT_EQ(a.sink.header->depositUtc, b.sink.header->depositUtc);
        EXPECT_EQ(a.sink.header->totalAmount, b.sink.header->totalAmount);
        EXPECT_EQ(a.sink.header->currency, b.sink.header->currency);
        EXPECT_EQ(a.sink.header->layout, b.sink.header->layout);
    }
    ASSERT_EQ(a.sink.rows.size(), b.sink.rows.size());
    for (std::size_t i = 0; i < a.sink.rows.size(); ++i) ASSERT_EQ(a.sink.rows[i], b.sink.rows[i]) << i;
}

TEST(ParserStreaming, ChunkBoundariesDoNotMatter) {
    std::vector<std::string> paths;
    for (const std::string& f : testing::allV1Files()) paths.push_back(fixturePath(f));
    for (const std::string& f : testing::allV2Files()) paths.push_back(fixturePath(f));
    for (const std::string& f : testing::goodSyntheticFiles()) paths.push_back(dataPath(f));
    for (const char* bad : {"bad_amount.txt", "bad_date.txt", "bad_other_settlement.txt", "bad_header_only.txt",
                            "bad_empty.txt", "bad_missing_summary.txt"}) {
        paths.push_back(dataPath(bad));
    }
    for (const std::string& path : paths) {
        SCOPED_TRACE(path);
        const std::string bytes = readAll(path);
        const Outcome whole = parsePath(path);
        expectSameOutcome(whole, parseBytes(bytes, Mode::Memory, path));
        expectSameOutcome(whole, parseBytes(bytes, Mode::Stream, path));
        expectSameOutcome(whole, parseBytes(bytes, Mode::TinyChunks, path));
        if (bytes.size() < 40000) expectSameOutcome(whole, parseBytes(bytes, Mode::OneByteChunks, path));
    }
}

/// A header line, then one line that never ends.
class EndlessLineBuf : public std::streambuf {
public:
    EndlessLineBuf() : header_(joinTabs(kV2Header)) {}

protected:
    int_type underflow() override {
        if (!headerSent_) {
            headerSent_ = true;
            char* p = header_.data();
            setg(p, p, p + header_.size());
        } else {
            std::fill(std::begin(block_), std::end(block_), 'x');
            setg(block_, block_, block_ + sizeof block_);
        }
        return traits_type::to_int_type(*gptr());
    }

private:
    std::string header_;
    bool headerSent_ = false;
    char block_[1 << 16];
};

TEST(ParserStreaming, AnEndlessLineIsRefusedWithBoundedMemory) {
    EndlessLineBuf buf;
    std::istream in(&buf);
    RowRecorder sink;
    try {
        Parser("endless.txt").parse(in, sink);
        ADD_FAILURE() << "no error";
    } catch (const ParseError& e) {
        EXPECT_EQ(e.line(), 2U);
        EXPECT_NE(std::string(e.what()).find("line longer than 64 MiB"), std::string::npos) << e.what();
    }
    // The same guard when the bytes are already in memory.
    std::string huge = joinTabs(kV2Header);
    huge.append(kParserMaxLineLength + 1, 'x');
    const Outcome out = parseBytes(huge, Mode::Memory);
    ASSERT_TRUE(out.failed);
    EXPECT_EQ(out.line, 2U);
}

/// Hands out the first bytes of a file, then fails like a broken disk or socket.
class FailingBuf : public std::streambuf {
public:
    explicit FailingBuf(std::string head) : head_(std::move(head)) {}

protected:
    int_type underflow() override {
        if (sent_) throw std::runtime_error("device error");
        sent_ = true;
        setg(head_.data(), head_.data(), head_.data() + head_.size());
        return traits_type::to_int_type(head_[0]);
    }

private:
    std::string head_;
    bool sent_ = false;
};

TEST(ParserStreaming, AFailingStreamIsNotMistakenForTheEndOfTheFile) {
    FailingBuf buf(joinTabs(kV2Header) + v2Summary("1.00"));
    std::istream in(&buf);
    RowRecorder sink;
    try {
        Parser("broken.txt", 64).parse(in, sink);
        ADD_FAILURE() << "no error";
    } catch (const ParseError& e) {
        ADD_FAILURE() << "a read error is not a parse error: " << e.what();
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()), "broken.txt: read error");
    }
}

TEST(ParserStreaming, ParseFileReportsAMissingFile) {
    RowRecorder sink;
    EXPECT_THROW(parseFile(dataPath("no_such_file.txt"), sink), std::runtime_error);
    try {
        parseFile(dataPath("no_such_file.txt"), sink);
    } catch (const ParseError&) {
        ADD_FAILURE() << "a missing file is not a parse error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("no_such_file.txt"), std::string::npos);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Files cut short, or not what they seem (issue 15 part 4). Built from the project's own files in tests/data.

std::string gzipOf(const std::string& bytes) {
    z_stream zs{};
    EXPECT_EQ(deflateInit2(&zs, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
    std::string out(deflateBound(&zs, static_cast<uLong>(bytes.size())) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    zs.avail_in = static_cast<uInt>(bytes.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

/// UTF-8 to UTF-16 (with surrogate pairs), optionally with a BOM.
std::string utf16Of(const std::string& utf8, bool bigEndian, bool bom) {
    std::string out;
    const auto put = [&](std::uint32_t unit) {
        const char hi = static_cast<char>(unit >> 8);
        const char lo = static_cast<char>(unit & 0xFF);
        out += bigEndian ? hi : lo;
        out += bigEndian ? lo : hi;
    };
    if (bom) put(0xFEFF);
    for (std::size_t i = 0; i < utf8.size();) {
        const auto c = static_cast<unsigned char>(utf8[i]);
        std::uint32_t cp = 0;
        std::size_t n = 1;
        if (c < 0x80) {
            cp = c;
        } else if (c < 0xE0) {
            cp = c & 0x1F;
            n = 2;
        } else if (c < 0xF0) {
            cp = c & 0x0F;
            n = 3;
        } else {
            cp = c & 0x07;
            n = 4;
        }
        for (std::size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + k]) & 0x3F);
        i += n;
        if (cp >= 0x10000) {
            put(0xD800 + ((cp - 0x10000) >> 10));
            put(0xDC00 + ((cp - 0x10000) & 0x3FF));
        } else {
            put(cp);
        }
    }
    return out;
}

/// The lines of a file (without their '\n').
std::vector<std::string> linesOf(const std::string& bytes) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < bytes.size()) {
        const std::size_t nl = bytes.find('\n', start);
        lines.push_back(bytes.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
        start = nl == std::string::npos ? bytes.size() : nl + 1;
    }
    return lines;
}

std::string joinLines(const std::vector<std::string>& lines, std::size_t count) {
    std::string out;
    for (std::size_t i = 0; i < count; ++i) out += lines[i] + "\n";
    return out;
}

constexpr Mode kAllModes[] = {Mode::Memory, Mode::Stream, Mode::TinyChunks, Mode::OneByteChunks};

void expectCutOff(const std::string& bytes, std::size_t line, const std::string& detail) {
    for (const Mode mode : kAllModes) {
        SCOPED_TRACE(static_cast<int>(mode));
        const Outcome out = parseBytes(bytes, mode);
        ASSERT_TRUE(out.failed) << "rows: " << out.sink.rows.size();
        EXPECT_EQ(out.line, line) << out.what;
        EXPECT_NE(out.what.find("the file looks cut off at line " + std::to_string(line) + ": download it again"),
                  std::string::npos)
            << out.what;
        EXPECT_NE(out.what.find(detail), std::string::npos) << out.what;
    }
}

TEST(ParserDamaged, TheIssuesCutsAreRefusedAsCutOff) {
    // The DE file: 24 columns, its last line an order row with a SKU (Größe-...), ending with a line end.
    const std::string whole = readAll(dataPath("v2_DE_EUR_decimal_comma.txt"));
    const std::vector<std::string> lines = linesOf(whole);
    std::size_t order = lines.size() - 1;
    while (splitTabs(lines[order]).at(21).empty()) --order;  // the last row with a SKU
    const std::vector<std::string> cells = splitTabs(lines[order]);
    ASSERT_EQ(cells.size(), 24U);
    const std::string before = joinLines(lines, order);
    std::string upToSku;
    for (std::size_t i = 0; i < 21; ++i) upToSku += cells[i] + "\t";

    // Cut inside the SKU column of the last line.
    expectCutOff(before + upToSku + cells[21].substr(0, 3), order + 1, "the last line stops after 22 of the header's 24");
    // Cut right after the amount column (field 15).
    std::string upToAmount;
    for (std::size_t i = 0; i < 15; ++i) upToAmount += (i ? "\t" : "") + cells[i];
    expectCutOff(before + upToAmount, order + 1, "15 of the header's 24");
    // Cut inside the amount (-3,96 -> -3,9 in the issue).
    ASSERT_GT(cells[14].size(), 2U);
    expectCutOff(before + upToAmount.substr(0, upToAmount.size() - 1), order + 1, "15 of the header's 24");
    // A row with 4 of 24 fields, in the middle of the file, with its line end.
    std::vector<std::string> four = lines;
    four.insert(four.begin() + 3, cells[0] + "\t\t\t");
    expectCutOff(joinLines(four, four.size()), 4, "this line has only 4 of the header's 24 columns");
    // The summary row cut short.
    expectCutOff(lines[0] + "\n" + lines[1].substr(0, 40), 2, "of the header's 24");
}

TEST(ParserDamaged, ALastLineWithoutLineEndWhoseLastValueCannotBeReadWasCutThere) {
    // Columns in another order: posted-date-time last, so a cut inside it leaves every field in place.
    const std::vector<std::string> header = {"settlement-id", "settlement-start-date", "settlement-end-date",
                                             "deposit-date",  "total-amount",          "currency",
                                             "transaction-type", "amount-type", "amount-description", "amount",
                                             "posted-date-time"};
    const std::string start =
        joinTabs(header) + tsv(header, {{"settlement-id", "5"},
                                        {"settlement-start-date", "2025-01-01 00:00:00 UTC"},
                                        {"settlement-end-date", "2025-01-15 00:00:00 UTC"},
                                        {"deposit-date", "2025-01-17 00:00:00 UTC"},
                                        {"total-amount", "5.00"},
                                        {"currency", "USD"}});
    std::string row = tsv(header, {{"settlement-id", "5"},
                                   {"transaction-type", "Order"},
                                   {"amount-type", "ItemPrice"},
                                   {"amount-description", "Principal"},
                                   {"amount", "5.00"},
                                   {"posted-date-time", "2025-01-02 00:0"}});
    row.pop_back();  // no line end
    expectCutOff(start + row, 3, "its last value is incomplete");
    // The same line with its line end is a bad date, not a cut.
    const Outcome out = parseBytes(start + row + "\n", Mode::Memory);
    ASSERT_TRUE(out.failed);
    EXPECT_EQ(out.what.find("cut off"), std::string::npos) << out.what;
    EXPECT_NE(out.what.find("as a date"), std::string::npos) << out.what;
    // A CRLF file cut right after a line's CR lost nothing.
    std::string complete = tsv(header, {{"settlement-id", "5"},
                                        {"transaction-type", "Order"},
                                        {"amount-type", "ItemPrice"},
                                        {"amount-description", "Principal"},
                                        {"amount", "5.00"},
                                        {"posted-date-time", "2025-01-02 00:00:00 UTC"}});
    complete.back() = '\r';
    EXPECT_FALSE(parseBytes(start + complete, Mode::Stream).failed);
}

TEST(ParserDamaged, BlankLinesAreNotRowsAndWideRowsAreFine) {
    // The GB file: trailing tabs (rows wider than the header), blank and whitespace-only lines, a final blank line.
    const Outcome out = parseOk(dataPath("v2_GB_GBP_bom_crlf_trailing_tabs_blank_lines.txt"));
    EXPECT_EQ(out.sink.rows.size(), 3U);
}

TEST(ParserDamaged, GzipAndUtf16AreReadLosslessly) {
    // A non-BMP character (a surrogate pair in UTF-16) in a SKU, besides the DE file's umlauts.
    std::string source = readAll(dataPath("v2_DE_EUR_decimal_comma.txt"));
    const std::size_t sku = source.find("Gr\xC3\xB6\xC3\x9F" "e");
    ASSERT_NE(sku, std::string::npos);
    source.insert(sku, "\xF0\x9F\x93\xA6");  // U+1F4E6
    const Outcome plain = parseBytes(source, Mode::Memory);
    ASSERT_FALSE(plain.failed) << plain.what;
    ASSERT_FALSE(plain.sink.rows.empty());
    const std::string crlf = [&] {
        std::string s;
        for (const char c : source) s += c == '\n' ? std::string("\r\n") : std::string(1, c);
        return s;
    }();
    const std::vector<std::pair<std::string, std::string>> variants = {
        {"gzip", gzipOf(source)},
        {"two gzip members and zero padding", gzipOf(source.substr(0, 500)) + gzipOf(source.substr(500)) +
                                                  std::string(8, '\0')},
        {"UTF-16LE with BOM (Excel Unicode text, CRLF)", utf16Of(crlf, false, true)},
        {"UTF-16BE with BOM", utf16Of(source, true, true)},
        {"UTF-16LE without BOM", utf16Of(source, false, false)},
        {"UTF-16BE without BOM", utf16Of(source, true, false)},
        {"gzip of UTF-16LE", gzipOf(utf16Of(source, false, true))},
    };
    for (const auto& [name, bytes] : variants) {
        for (const Mode mode : kAllModes) {
            SCOPED_TRACE(name + " mode " + std::to_string(static_cast<int>(mode)));
            const Outcome out = parseBytes(bytes, mode);
            ASSERT_FALSE(out.failed) << out.what;
            ASSERT_TRUE(out.sink.header.has_value());
            EXPECT_EQ(out.sink.header->settlementId, plain.sink.header->settlementId);
            EXPECT_EQ(out.sink.header->totalAmount, plain.sink.header->totalAmount);
            ASSERT_EQ(out.sink.rows.size(), plain.sink.rows.size());
            for (std::size_t i = 0; i < out.sink.rows.size(); ++i) {
                EXPECT_EQ(out.sink.rows[i].sku, plain.sink.rows[i].sku);
                EXPECT_EQ(out.sink.rows[i].amount, plain.sink.rows[i].amount);
                EXPECT_EQ(out.sink.rows[i].amountDescription, plain.sink.rows[i].amountDescription);
                EXPECT_EQ(out.sink.rows[i].line, plain.sink.rows[i].line);
            }
        }
    }
    // And from a file on disk.
    const std::string path = ::testing::TempDir() + "/settlement-gzip-test.txt.gz";
    {
        std::ofstream f(path, std::ios::binary);
        f << gzipOf(source);
    }
    const Outcome fromFile = parsePath(path);
    ASSERT_FALSE(fromFile.failed) << fromFile.what;
    EXPECT_EQ(fromFile.sink.rows.size(), plain.sink.rows.size());
    std::remove(path.c_str());
}

TEST(ParserDamaged, CutOrDamagedEncodingsAreRefused) {
    const std::string source = readAll(dataPath("v2_DE_EUR_decimal_comma.txt"));
    const std::string packed = gzipOf(source);
    for (const Mode mode : kAllModes) {
        const Outcome cut = parseBytes(packed.substr(0, packed.size() / 2), mode);
        ASSERT_TRUE(cut.failed);
        EXPECT_NE(cut.what.find("the file looks cut off at line"), std::string::npos) << cut.what;
        EXPECT_NE(cut.what.find("gzip-compressed data ends early"), std::string::npos) << cut.what;
    }
    std::string damaged = packed;
    damaged[damaged.size() / 2] = static_cast<char>(damaged[damaged.size() / 2] ^ 0x55);
    damaged[damaged.size() / 2 + 1] = static_cast<char>(damaged[damaged.size() / 2 + 1] ^ 0x55);
    const Outcome bad = parseBytes(damaged, Mode::Stream);
    ASSERT_TRUE(bad.failed);
    EXPECT_NE(bad.what.find("download"), std::string::npos) << bad.what;

    const std::string wide = utf16Of(source, false, true);
    const Outcome odd = parseBytes(wide.substr(0, wide.size() - 1), Mode::TinyChunks);
    ASSERT_TRUE(odd.failed);
    EXPECT_NE(odd.what.find("UTF-16 text ends in the middle of a character"), std::string::npos) << odd.what;

    std::string lone = utf16Of("settlement-id\tx\n", false, true);
    lone += std::string("\x00\xDC", 2);  // a low surrogate alone
    const Outcome surrogate = parseBytes(lone, Mode::Memory);
    ASSERT_TRUE(surrogate.failed);
    EXPECT_NE(surrogate.what.find("lone surrogate (U+DC00)"), std::string::npos) << surrogate.what;

    for (const std::string& head : {std::string("PK\x03\x04", 4) + "rest", std::string("\xD0\xCF\x11\xE0rest")}) {
        const Outcome zip = parseBytes(head, Mode::Memory);
        ASSERT_TRUE(zip.failed);
        EXPECT_NE(zip.what.find("Excel workbook"), std::string::npos) << zip.what;
        EXPECT_NE(zip.what.find("download the settlement report again"), std::string::npos) << zip.what;
    }
}

TEST(ParserDamaged, SpreadsheetResavesAreRefusedSayingWhatToDo) {
    const std::string source = readAll(dataPath("v2_DE_EUR_decimal_comma.txt"));
    for (const char separator : {',', ';'}) {
        std::string csv = source;
        std::replace(csv.begin(), csv.end(), '\t', separator);
        const Outcome out = parseBytes(csv, Mode::Memory);
        ASSERT_TRUE(out.failed);
        EXPECT_EQ(out.line, 1U);
        EXPECT_NE(out.what.find(separator == ',' ? "comma-separated" : "semicolon-separated"), std::string::npos)
            << out.what;
        EXPECT_NE(out.what.find("3.04E+13"), std::string::npos) << out.what;
        EXPECT_NE(out.what.find("Download the report again"), std::string::npos) << out.what;
        EXPECT_EQ(out.what.find("no 'settlement-id' column"), std::string::npos) << out.what;
    }
    // Tab-separated, but long ids turned into scientific notation (Excel's "Unicode text" or tab re-save).
    std::vector<std::string> lines = linesOf(source);
    std::vector<std::string> summary = splitTabs(lines[1]);
    summary[0] = "3.3E+10";
    std::string joined;
    for (const auto& cell : summary) joined += (joined.empty() ? "" : "\t") + cell;
    lines[1] = joined;
    Outcome out = parseBytes(joinLines(lines, lines.size()), Mode::Memory);
    ASSERT_TRUE(out.failed);
    EXPECT_EQ(out.field, "settlement-id");
    EXPECT_NE(out.what.find("3.04E+13"), std::string::npos) << out.what;

    lines = linesOf(source);
    std::vector<std::string> row = splitTabs(lines[2]);
    ASSERT_FALSE(row[18].empty());
    row[18] = "1.35845E+14";
    joined.clear();
    for (const auto& cell : row) joined += (joined.empty() ? "" : "\t") + cell;
    lines[2] = joined;
    out = parseBytes(joinLines(lines, lines.size()), Mode::Memory);
    ASSERT_TRUE(out.failed);
    EXPECT_EQ(out.field, "order-item-code");
    EXPECT_EQ(out.line, 3U);
    EXPECT_NE(out.what.find("Excel"), std::string::npos) << out.what;
}

TEST(ParserDamaged, TwoReportsInOneFileAreNamedAsSuch) {
    const std::string source = readAll(dataPath("v2_DE_EUR_decimal_comma.txt"));
    const std::size_t lineCount = linesOf(source).size();
    for (const Mode mode : kAllModes) {
        const Outcome out = parseBytes(source + source, mode);
        ASSERT_TRUE(out.failed);
        EXPECT_EQ(out.line, lineCount + 1);
        EXPECT_NE(out.what.find("second header line"), std::string::npos) << out.what;
        EXPECT_NE(out.what.find("two reports"), std::string::npos) << out.what;
        EXPECT_EQ(out.what.find("row of settlement"), std::string::npos) << out.what;
    }
}

}  // namespace
}  // namespace settlebridge::settlement
