#include "daemon/settlement/v2_writer.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "daemon/common/datetime.hpp"
#include "daemon/settlement/parser.hpp"
#include "daemon/common/text.hpp"
#include "tests/unit/settlement/row_recorder.hpp"

namespace settlebridge::settlement {
namespace {

using testing::dataPath;
using testing::fixturePath;
using testing::RecordedRow;
using testing::RowRecorder;

/// Parses `path`, writes it as V2 with `style` into a string, and returns both the original parse and the text.
std::string convert(const std::string& path, RowRecorder& original, V2Style style = {}) {
    std::ostringstream out;
    V2Writer writer(out, style);
    // Tee: the writer and the recorder see the same stream.
    struct Tee : RowSink {
        RowSink& a;
        RowSink& b;
        Tee(RowSink& x, RowSink& y) : a(x), b(y) {}
        void onHeader(const SettlementHeader& h) override {
            a.onHeader(h);
            b.onHeader(h);
        }
        void onRow(const Row& r) override {
            a.onRow(r);
            b.onRow(r);
        }
    } tee(writer, original);
    parseFile(path, tee);
    EXPECT_EQ(writer.rowsWritten(), original.rows.size());
    return out.str();
}

void expectSameSettlement(const RowRecorder& original, const RowRecorder& reparsed) {
    ASSERT_TRUE(original.header.has_value());
    ASSERT_TRUE(reparsed.header.has_value());
    const SettlementHeader& a = *original.header;
    const SettlementHeader& b = *reparsed.header;
    EXPECT_EQ(b.layout, Layout::FlatFileV2);
    EXPECT_EQ(a.settlementId, b.settlementId);
    EXPECT_EQ(a.startUtc, b.startUtc);
    EXPECT_EQ(a.endUtc, b.endUtc);
    EXPECT_EQ(a.depositUtc, b.depositUtc);
    EXPECT_EQ(a.totalAmount, b.totalAmount);
    EXPECT_EQ(a.currency, b.currency);
    ASSERT_EQ(original.rows.size(), reparsed.rows.size());
    for (std::size_t i = 0; i < original.rows.size(); ++i) {
        ASSERT_TRUE(original.rows[i].sameContent(reparsed.rows[i]))
            << i << ": " << original.rows[i] << " vs " << reparsed.rows[i];
        EXPECT_EQ(reparsed.rows[i].line, i + 3);  // one line per row after the header and the summary row
    }
    EXPECT_EQ(reparsed.sum(), b.totalAmount);
}

TEST(V2Writer, EveryV1FixtureConvertsToV2AndReparsesToTheSameRows) {
    for (const std::string& file : testing::allV1Files()) {
        SCOPED_TRACE(file);
        RowRecorder original;
        const std::string v2 = convert(fixturePath(file), original);
        ASSERT_EQ(original.header->layout, Layout::FlatFileV1);
        RowRecorder reparsed;
        Parser("converted.txt").parse(std::string_view(v2), reparsed);
        expectSameSettlement(original, reparsed);
    }
}

TEST(V2Writer, EuropeanStyleOutputReparsesToTheSameRows) {
    const V2Style eu{',', true};
    std::vector<std::string> paths;
    for (const std::string& f : testing::allV1Files()) paths.push_back(fixturePath(f));
    for (const std::string& f : testing::allV2Files()) paths.push_back(fixturePath(f));
    for (const std::string& f : testing::goodSyntheticFiles()) paths.push_back(dataPath(f));
    for (const std::string& path : paths) {
        SCOPED_TRACE(path);
        RowRecorder original;
        const std::string v2 = convert(path, original, eu);
        EXPECT_NE(v2.find(original.header->currency), std::string::npos);
        RowRecorder reparsed;
        std::istringstream in(v2);
        Parser("converted-eu.txt", 5).parse(in, reparsed);
        expectSameSettlement(original, reparsed);
    }
}

TEST(V2Writer, V2FilesRoundTrip) {
    std::vector<std::string> paths;
    for (const std::string& f : testing::allV2Files()) paths.push_back(fixturePath(f));
    paths.push_back(fixturePath(testing::madeV1Files()[7]));  // Windows-1252
    for (const std::string& f : testing::goodSyntheticFiles()) paths.push_back(dataPath(f));
    for (const std::string& path : paths) {
        SCOPED_TRACE(path);
        RowRecorder original;
        const std::string v2 = convert(path, original);
        EXPECT_TRUE(common::isValidUtf8(v2));  // Windows-1252 input comes out as UTF-8
        RowRecorder reparsed;
        Parser("roundtrip.txt").parse(std::string_view(v2), reparsed);
        expectSameSettlement(original, reparsed);
    }
}

TEST(V2Writer, ExactText) {
    SETTLEBRIDGE_SKIP_WITHOUT_REAL_FIXTURES();
    RowRecorder original;
    const std::string v2 = convert(fixturePath(testing::v1Fixtures()[1]), original);
    std::istringstream in(v2);
    std::string header;
    std::string summary;
    std::string first;
    std::string second;
    std::getline(in, header);
    std::getline(in, summary);
    std::getline(in, first);
    std::getline(in, second);
    EXPECT_EQ(header, v2HeaderLine());
    EXPECT_EQ(
        header,
        "settlement-id\tsettlement-start-date\tsettlement-end-date\tdeposit-date\ttotal-amount\tcurrency\t"
        "transaction-type\torder-id\tmerchant-order-id\tadjustment-id\tshipment-id\tmarketplace-name\tamount-type\t"
        "amount-description\tamount\tfulfillment-id\tposted-date\tposted-date-time\torder-item-code\t"
        "merchant-order-item-id\tmerchant-adjustment-item-id\tsku\tquantity-purchased\tpromotion-id");
    EXPECT_EQ(summary,
              "23874397121\t2025-07-31 22:07:18 UTC\t2025-08-14 22:07:18 UTC\t2025-08-16 22:07:18 UTC\t-62.31\tCAD"
              "\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t\t");
    // The quantity row of the V1 file is folded into the Principal row.
    EXPECT_EQ(first,
              "23874397121\t\t\t\t\t\tOrder\t702-1101758-6751437\t\t\t\tAmazon.ca\tItemPrice\tPrincipal\t35.00\tAFN\t"
              "2025-08-14\t2025-08-14 06:23:59 UTC\t135844999381281\t\t\tSALTT15-ALLT\t1\t");
    EXPECT_EQ(second,
              "23874397121\t\t\t\t\t\tOrder\t702-1101758-6751437\t\t\t\tAmazon.ca\tItemPrice\tShipping\t6.99\tAFN\t"
              "2025-08-14\t2025-08-14 06:23:59 UTC\t135844999381281\t\t\tSALTT15-ALLT\t\t");
}

TEST(V2Writer, EuropeanStyleText) {
    std::ostringstream out;
    V2Writer writer(out, V2Style{',', true});
    SettlementHeader h;
    h.settlementId = "19482314502";
    h.startUtc = *common::parseDateTime("2023-03-14 07:49:55 UTC");
    h.endUtc = *common::parseDateTime("2023-03-28 07:49:55 UTC");
    h.depositUtc = *common::parseDateTime("2023-03-30 07:49:55 UTC");
    h.totalAmount = 114118;
    h.currency = "EUR";
    writer.onHeader(h);
    Row r;
    r.transactionType = "Order";
    r.amountType = "ItemPrice";
    r.amountDescription = "Principal";
    r.amount = -123456;
    r.sku = "A\tB\nC";  // cannot come from the parser; must not break the line
    r.postedUtc = *common::parseDateTime("2023-03-15 10:11:12 UTC");
    r.quantity = 2;
    writer.onRow(r);
    const std::string text = out.str();
    EXPECT_NE(
        text.find(
            "\n19482314502\t14.03.2023 07:49:55 UTC\t28.03.2023 07:49:55 UTC\t30.03.2023 07:49:55 UTC\t1141,18\tEUR\t"),
        std::string::npos);
    EXPECT_NE(text.find("\tItemPrice\tPrincipal\t-1234,56\t\t15.03.2023\t15.03.2023 10:11:12 UTC\t\t\t\tA B C\t2\t\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(writer.rowsWritten(), 1U);
}

TEST(V2Writer, RefusesRowsBeforeTheHeader) {
    std::ostringstream out;
    V2Writer writer(out);
    EXPECT_THROW(writer.onRow(Row{}), std::logic_error);
    writer.onHeader(SettlementHeader{});
    EXPECT_THROW(writer.onHeader(SettlementHeader{}), std::logic_error);
}

}  // namespace
}  // namespace settlebridge::settlement
