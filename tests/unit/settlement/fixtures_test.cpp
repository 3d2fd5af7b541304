// The summarizer, through the real parser, on the project-made settlement files (tests/data/settlements/made: the
// legacy layouts, negative pairs, month-end spans, Windows-1252, EU formats), on the synthetic ones in
// tests/data/summaries, and on real Amazon files when they are here (they may not be redistributed: optional,
// $SETTLEBRIDGE_FIXTURES_DIR, default ../shared/fixtures; skipped with a message otherwise).

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "daemon/common/datetime.hpp"
#include "daemon/settlement/naming.hpp"
#include "daemon/settlement/parser.hpp"
#include "daemon/settlement/summarizer.hpp"
#include "daemon/settlement/v2_writer.hpp"
#include "tests/support/test_paths.hpp"
#include "tests/unit/common/outside_data.hpp"

namespace settlebridge::settlement {
namespace {

std::string realDir() {
    const auto dir = settlebridge::testing::fixturesDir();
    return dir ? (*dir / "settlements").string() : std::string();
}

#define SKIP_WITHOUT_REAL_FILES()                                                                   \
    do {                                                                                            \
        if (realDir().empty() || !std::filesystem::is_directory(realDir())) {                       \
            GTEST_SKIP() << settlebridge::testing::missingFixtures();                               \
        }                                                                                           \
    } while (false)

std::string fixture(const std::string& name) { return realDir() + "/" + name; }

std::string made(const std::string& name) {
    return std::string(SETTLEBRIDGE_SOURCE_DIR) + "/tests/data/settlements/made/" + name;
}

/// The project-made files, the Windows-1252 one of extra/ included.
std::vector<std::string> madeFiles() {
    std::vector<std::string> files;
    for (const auto& dir : {made(""), made("extra")}) {
        for (const auto& entry : std::filesystem::directory_iterator(dir)) {
            if (entry.path().extension() == ".txt") files.push_back(entry.path().string());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

std::string synthetic(const std::string& name) {
    return std::string(SETTLEBRIDGE_SOURCE_DIR) + "/tests/data/summaries/" + name;
}

std::vector<std::string> allFixtures() {
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(realDir())) {
        if (entry.path().extension() == ".txt") files.push_back(entry.path().string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

SummarizeOptions splitOptions() {
    SummarizeOptions options;
    options.splitMonths = true;
    return options;
}

/// No negative document, every row on exactly one line, documents = parts = rows = the deposit.
void expectReconciled(const Summary& summary, const std::string& label) {
    SCOPED_TRACE(label);
    EXPECT_TRUE(summary.reconciled);
    EXPECT_EQ(summary.rowsTotal, summary.header.totalAmount);
    EXPECT_EQ(summary.documentsNet, summary.header.totalAmount);
    EXPECT_EQ(summary.difference, 0);
    common::Cents receipts = 0;
    common::Cents credits = 0;
    std::size_t rows = 0;
    for (const auto& document : summary.documents) {
        EXPECT_GE(document.total(), 0) << document.externalKey;
        EXPECT_FALSE(document.lines.empty()) << document.externalKey;
        EXPECT_LE(document.refNumber.size(), kMaxRefNumberLength);
        EXPECT_NE(document.memo.find(summary.header.settlementId), std::string::npos);
        EXPECT_NE(document.memo.find(document.externalKey), std::string::npos);
        (document.kind == DocumentKind::SalesReceipt ? receipts : credits) += document.total();
        for (const auto& line : document.lines) {
            rows += line.rows;
            EXPECT_LE(utf8Length(line.item), kMaxItemNameLength) << line.item;
        }
    }
    // The clearing account: receipts deposit into it, credit memo refunds are paid out of it.
    EXPECT_EQ(receipts - credits, summary.header.totalAmount);
    EXPECT_EQ(rows, summary.rowCount);
    common::Cents parts = 0;
    for (const auto& part : summary.parts) parts += part.net;
    EXPECT_EQ(parts, summary.header.totalAmount);
}

void expectEveryFileReconciles(const std::vector<std::string>& files) {
    for (const auto& file : files) {
        const Summary plain = summarizeFile(file, {});
        expectReconciled(plain, file);
        EXPECT_EQ(plain.parts.size(), 1u) << file;
        EXPECT_TRUE(plain.unmapped.empty()) << file << ": " << plain.unmapped.front().amountDescription;
        const Summary split = summarizeFile(file, splitOptions());
        expectReconciled(split, file + " (split)");
    }
}

TEST(Fixtures, EveryMadeFileReconcilesSplitAndUnsplit) {
    const auto files = madeFiles();
    ASSERT_EQ(files.size(), 9u);
    expectEveryFileReconciles(files);
}

TEST(Fixtures, EveryRealFileReconcilesSplitAndUnsplit) {
    SKIP_WITHOUT_REAL_FILES();
    const auto files = allFixtures();
    ASSERT_GE(files.size(), 8u) << "fixtures missing in " << realDir();
    expectEveryFileReconciles(files);
}

TEST(Fixtures, MadeMonthSpanningFilesSplitInTwo) {
    // Per-part nets in the marketplace's time zone (Pacific for Amazon.ca, Berlin for Amazon.de), as
    // tests/integration/made_settlements_test.py computes them independently from the raw rows.
    struct Case {
        std::string file;
        std::vector<std::string> months;
        std::vector<common::Cents> nets;
        const char* zone;
    };
    const std::vector<Case> cases = {
        {"v1-33_CA_CAD_90000000011_negative-total_inbound-transport_month-end.txt", {"2026-01", "2026-02"}, {0, -32169},
         "America/Los_Angeles"},
        {"v1_CA_CAD_90000000014_storage-fee_ads_shipping-promo_month-end.txt", {"2026-03", "2026-04"}, {292717, 141034},
         "America/Los_Angeles"},
        {"v1_CA_CAD_90000000016_storage_warehouse-damage_month-end.txt", {"2026-04", "2026-05"}, {328880, 194346},
         "America/Los_Angeles"},
        {"extra/v1_DE_EUR_90000000019_windows-1252_decimal-comma_month-end.txt", {"2026-03", "2026-04"}, {66353, 129019},
         "Europe/Berlin"},
        {"v2_IN_INR_90000000018_negative-total_payable-to-amazon_debt-adjustment_ads.txt", {"2026-05", "2026-06"},
         {-36507, -84466}, "Asia/Kolkata"},
    };
    for (const auto& c : cases) {
        const Summary summary = summarizeFile(made(c.file), splitOptions());
        EXPECT_EQ(summary.timeZone, c.zone) << c.file;
        ASSERT_EQ(summary.parts.size(), c.months.size()) << c.file;
        for (std::size_t i = 0; i < c.months.size(); ++i) {
            EXPECT_EQ(summary.parts[i].month, c.months[i]) << c.file;
            EXPECT_EQ(summary.parts[i].net, c.nets[i]) << c.file;
        }
        EXPECT_EQ(summary.parts.back().txnDate,
                  common::formatDate(TimeZone::load(c.zone).localDate(summary.header.endUtc)));
    }
}

TEST(Fixtures, MadeNegativePairsCarryTheBalanceForward) {
    // 90000000011 ends at -321.69; 90000000012 collects it (Payable to Amazon) against the card (Successful charge)
    // and ends at -179.13; 90000000013 collects that and is positive again.
    const Summary first = summarizeFile(made("v1-33_CA_CAD_90000000011_negative-total_inbound-transport_month-end.txt"), {});
    const Summary second =
        summarizeFile(made("v1_CA_CAD_90000000012_negative-total_payable-to-amazon_successful-charge.txt"), {});
    const Summary third = summarizeFile(made("v1_CA_CAD_90000000013_refund_ads_micro-deposit_warehouse-damage.txt"), {});
    EXPECT_EQ(first.header.totalAmount, -32169);
    EXPECT_EQ(second.header.totalAmount, -17913);
    EXPECT_EQ(third.header.totalAmount, 300696);
    for (const Summary* summary : {&first, &second}) {
        expectReconciled(*summary, summary->header.settlementId);
        // A negative settlement is booked through the carried-balance account: its note says so.
        ASSERT_FALSE(summary->notes.empty()) << summary->header.settlementId;
    }
    expectReconciled(third, "90000000013");
    // What the next settlement collects is exactly the previous total, on the carried-balance lines.
    const auto carried = [](const Summary& s, const char* category) {
        common::Cents sum = 0;
        bool seen = false;
        for (const auto& document : s.documents)
            for (const auto& line : document.lines)
                if (line.category == category) {
                    seen = true;
                    sum += document.kind == DocumentKind::CreditMemo ? -line.amount : line.amount;
                }
        EXPECT_TRUE(seen) << s.header.settlementId << " " << category;
        return sum;
    };
    EXPECT_EQ(carried(second, "payable-to-amazon"), first.header.totalAmount);
    EXPECT_EQ(carried(second, "card-charge"), -first.header.totalAmount);
    EXPECT_EQ(carried(third, "payable-to-amazon"), second.header.totalAmount);
    EXPECT_EQ(carried(third, "card-charge"), -second.header.totalAmount);
    EXPECT_EQ(first.documentsNet + second.documentsNet + third.documentsNet, -32169 - 17913 + 300696);
}

TEST(Fixtures, MonthSpanningFilesSplitInTwo) {
    SKIP_WITHOUT_REAL_FILES();
    // Per-part nets in Pacific time (Amazon.ca), computed by hand from the rows' posted dates.
    struct Case {
        const char* file;
        std::vector<std::string> months;
        std::vector<common::Cents> nets;
    };
    const std::vector<Case> cases = {
        {"v1flat_CA_CAD_24391894961_storage-fee_ads_shipping-promo.txt", {"2025-08", "2025-09"}, {13800, 240166}},
        {"v1flat_CA_CAD_24596907561_storage_warehouse-damage.txt", {"2025-09", "2025-10"}, {164925, 224499}},
        {"v1flat_CA_CAD_23874396421_negative-total_inbound-transport_33col.txt", {"2025-06", "2025-07"}, {0, -32169}},
    };
    for (const auto& c : cases) {
        const Summary summary = summarizeFile(fixture(c.file), splitOptions());
        ASSERT_EQ(summary.parts.size(), c.months.size()) << c.file;
        for (std::size_t i = 0; i < c.months.size(); ++i) {
            EXPECT_EQ(summary.parts[i].month, c.months[i]) << c.file;
            EXPECT_EQ(summary.parts[i].net, c.nets[i]) << c.file;
        }
        EXPECT_EQ(summary.parts.back().txnDate, common::formatDate(TimeZone::load("America/Los_Angeles").localDate(summary.header.endUtc)));
    }
}

TEST(Fixtures, NegativeThenRecoveredPair) {
    SKIP_WITHOUT_REAL_FILES();
    // 23874396421 ends at -321.69 (owed to Amazon); the next settlement collects it ("Payable to Amazon" -321.69)
    // and shows the card charge ("Successful charge" +321.69), ending at -62.31.
    const Summary first = summarizeFile(fixture("v1flat_CA_CAD_23874396421_negative-total_inbound-transport_33col.txt"), {});
    const Summary second =
        summarizeFile(fixture("v1flat_CA_CAD_23874397121_negative-total_payable-to-amazon_successful-charge.txt"), {});
    for (const Summary* summary : {&first, &second}) {
        expectReconciled(*summary, summary->header.settlementId);
        // A negative settlement posts as one credit memo whose refund comes out of the clearing account.
        ASSERT_EQ(summary->documents.size(), 1u);
        EXPECT_EQ(summary->documents[0].kind, DocumentKind::CreditMemo);
        EXPECT_EQ(summary->documents[0].total(), -summary->header.totalAmount);
        ASSERT_FALSE(summary->notes.empty());
        EXPECT_NE(summary->notes[0].find("QuickBooks refuses"), std::string::npos);
    }
    EXPECT_EQ(first.header.totalAmount, -32169);
    EXPECT_EQ(second.header.totalAmount, -6231);
    EXPECT_EQ(first.documents[0].refNumber, "AYU766D0C");
    EXPECT_EQ(second.documents[0].refNumber, "AYU76PT0C");
    // The previous balance collected in the second settlement is exactly the first one's total.
    bool sawPayable = false;
    bool sawCharge = false;
    for (const auto& line : second.documents[0].lines) {
        if (line.category == "payable-to-amazon") {
            sawPayable = true;
            EXPECT_EQ(-line.amount, first.header.totalAmount);  // credit memo line: minus the row
        }
        if (line.category == "card-charge") {
            sawCharge = true;
            EXPECT_EQ(line.amount, first.header.totalAmount);
        }
    }
    EXPECT_TRUE(sawPayable);
    EXPECT_TRUE(sawCharge);
    // Together the two move the clearing account by the sum of their totals.
    EXPECT_EQ(first.documentsNet + second.documentsNet, -32169 - 6231);
}

/// Units per SKU counted straight from a wide-layout file: quantity-purchased of Order rows.
std::map<std::string, std::int64_t> countUnitsIndependently(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    std::map<std::string, std::size_t> column;
    {
        std::istringstream header(line);
        std::string name;
        for (std::size_t i = 0; std::getline(header, name, '\t'); ++i) column[name] = i;
    }
    std::map<std::string, std::int64_t> units;
    while (std::getline(in, line)) {
        std::vector<std::string> fields;
        std::istringstream cells(line);
        std::string cell;
        while (std::getline(cells, cell, '\t')) fields.push_back(cell);
        auto get = [&](const char* name) {
            const std::size_t i = column.at(name);
            return i < fields.size() ? fields[i] : std::string();
        };
        if (get("transaction-type") != "Order" || get("quantity-purchased").empty()) continue;
        units[get("sku")] += std::stoll(get("quantity-purchased"));
    }
    return units;
}

TEST(Fixtures, UnitsPerSkuMatchAnIndependentCount) {
    std::vector<std::string> paths = {made("v1_CA_CAD_90000000017_large.txt"),
                                      made("v1_CA_CAD_90000000015_reversal-reimbursement_refunds.txt")};
    if (!realDir().empty() && std::filesystem::is_directory(realDir())) {
        paths.push_back(fixture("v1flat_CA_CAD_24702193891_1244rows.txt"));
        paths.push_back(fixture("v1flat_CA_CAD_24495221541_reversal-reimbursement_refunds.txt"));
    }
    for (const std::string& path : paths) {
        const std::string& name = path;
        const auto expected = countUnitsIndependently(path);
        ASSERT_FALSE(expected.empty());
        const Summary summary = summarizeFile(path, {});
        std::map<std::string, std::int64_t> counted;
        std::int64_t refundedUnits = 0;
        for (const auto& document : summary.documents) {
            for (const auto& line : document.lines) {
                if (line.category != "product") continue;
                if (document.kind == DocumentKind::SalesReceipt) counted[line.sku] += line.quantity;
                else refundedUnits += line.quantity;
            }
        }
        EXPECT_EQ(counted, expected) << name;
        EXPECT_EQ(refundedUnits, 0) << name;  // the wide layout gives no quantity on refunds
    }
}

TEST(Fixtures, UnitsOfTheLargestRealFile) {
    SKIP_WITHOUT_REAL_FILES();
    // The largest file: 1244 rows, 271 orders.
    std::int64_t total = 0;
    for (const auto& [sku, units] : countUnitsIndependently(fixture("v1flat_CA_CAD_24702193891_1244rows.txt"))) total += units;
    EXPECT_GE(total, 271);
}

TEST(Fixtures, MadeIndiaV2FileIsBookedInIndianTime) {
    const Summary summary = summarizeFile(made("v2_IN_INR_90000000018_negative-total_payable-to-amazon_debt-adjustment_ads.txt"), {});
    expectReconciled(summary, "IN");
    EXPECT_EQ(summary.header.totalAmount, -120973);
    EXPECT_EQ(summary.header.currency, "INR");
    EXPECT_EQ(summary.timeZone, "Asia/Kolkata");
    EXPECT_EQ(summary.marketplaceName, "Amazon.in");
    EXPECT_EQ(summary.depositDate, "2026-06-10");  // 10.06.2026 07:10:09 UTC is 12:40 in India
    EXPECT_TRUE(summary.unmapped.empty());
}

TEST(Fixtures, IndiaV2CreditMemoHoldsTheRefundedSku) {
    SKIP_WITHOUT_REAL_FILES();
    const Summary summary =
        summarizeFile(fixture("v2flat_IN_INR_SANITIZED_99000000001_negative-total_payable-to-amazon_debt-adjustment_ads.txt"), {});
    expectReconciled(summary, "IN");
    EXPECT_EQ(summary.header.totalAmount, -108063);
    EXPECT_EQ(summary.timeZone, "Asia/Kolkata");
    EXPECT_EQ(summary.marketplaceName, "Amazon.in");
    EXPECT_EQ(summary.depositDate, "2026-06-03");
    const SummaryDocument* credit = nullptr;
    for (const auto& document : summary.documents)
        if (document.kind == DocumentKind::CreditMemo) credit = &document;
    ASSERT_NE(credit, nullptr);
    const SummaryLine& refund = credit->lines.front();
    EXPECT_EQ(refund.category, "product");
    EXPECT_EQ(refund.sku, "FIX-SKU-B");
    EXPECT_EQ(refund.item, "FIX-SKU-B");
    EXPECT_EQ(refund.quantity, 1);
    EXPECT_EQ(refund.amount, 49900);
    EXPECT_EQ(refund.description, "Refunds of SKU FIX-SKU-B");
    // V2 repeats quantity on every fee row of an item; each SKU still sold exactly one unit.
    for (const auto& line : credit->lines) {
        if (line.category == "product" && line.description.rfind("Sales of SKU", 0) == 0) {
            EXPECT_EQ(line.quantity, -1) << line.sku;  // a receipt line moved here, sign reversed
        }
    }
}

/// Field-by-field equality of two summaries, the input layout and the unmapped rows' line numbers aside.
void expectSameSummary(const Summary& a, const Summary& b, const std::string& label) {
    SCOPED_TRACE(label);
    EXPECT_EQ(a.header.settlementId, b.header.settlementId);
    EXPECT_EQ(a.header.startUtc, b.header.startUtc);
    EXPECT_EQ(a.header.endUtc, b.header.endUtc);
    EXPECT_EQ(a.header.depositUtc, b.header.depositUtc);
    EXPECT_EQ(a.header.totalAmount, b.header.totalAmount);
    EXPECT_EQ(a.header.currency, b.header.currency);
    EXPECT_EQ(a.marketplaceName, b.marketplaceName);
    EXPECT_EQ(a.timeZone, b.timeZone);
    EXPECT_EQ(a.customerName, b.customerName);
    EXPECT_EQ(a.depositDate, b.depositDate);
    EXPECT_EQ(a.rowCount, b.rowCount);
    EXPECT_EQ(a.rowsTotal, b.rowsTotal);
    EXPECT_EQ(a.documentsNet, b.documentsNet);
    EXPECT_EQ(a.reconciled, b.reconciled);
    EXPECT_EQ(a.difference, b.difference);
    EXPECT_EQ(a.grossMode, b.grossMode);
    EXPECT_EQ(a.mappingVersion, b.mappingVersion);
    EXPECT_EQ(a.notes, b.notes);
    ASSERT_EQ(a.parts.size(), b.parts.size());
    for (std::size_t i = 0; i < a.parts.size(); ++i) {
        EXPECT_EQ(a.parts[i].index, b.parts[i].index);
        EXPECT_EQ(a.parts[i].month, b.parts[i].month);
        EXPECT_EQ(a.parts[i].txnDate, b.parts[i].txnDate);
        EXPECT_EQ(a.parts[i].net, b.parts[i].net);
    }
    ASSERT_EQ(a.unmapped.size(), b.unmapped.size());
    for (std::size_t i = 0; i < a.unmapped.size(); ++i) {
        EXPECT_EQ(a.unmapped[i].transactionType, b.unmapped[i].transactionType);
        EXPECT_EQ(a.unmapped[i].amountType, b.unmapped[i].amountType);
        EXPECT_EQ(a.unmapped[i].amountDescription, b.unmapped[i].amountDescription);
        EXPECT_EQ(a.unmapped[i].rows, b.unmapped[i].rows);
        EXPECT_EQ(a.unmapped[i].amount, b.unmapped[i].amount);
    }
    ASSERT_EQ(a.documents.size(), b.documents.size());
    for (std::size_t d = 0; d < a.documents.size(); ++d) {
        const auto& x = a.documents[d];
        const auto& y = b.documents[d];
        EXPECT_EQ(x.kind, y.kind);
        EXPECT_EQ(x.part, y.part);
        EXPECT_EQ(x.refNumber, y.refNumber);
        EXPECT_EQ(x.externalKey, y.externalKey);
        EXPECT_EQ(x.txnDate, y.txnDate);
        EXPECT_EQ(x.memo, y.memo);
        ASSERT_EQ(x.lines.size(), y.lines.size()) << x.externalKey;
        for (std::size_t l = 0; l < x.lines.size(); ++l) {
            EXPECT_EQ(x.lines[l].category, y.lines[l].category) << x.externalKey << " line " << l;
            EXPECT_EQ(x.lines[l].sku, y.lines[l].sku) << x.externalKey << " line " << l;
            EXPECT_EQ(x.lines[l].item, y.lines[l].item) << x.externalKey << " line " << l;
            EXPECT_EQ(x.lines[l].description, y.lines[l].description) << x.externalKey << " line " << l;
            EXPECT_EQ(x.lines[l].quantity, y.lines[l].quantity) << x.externalKey << " line " << l;
            EXPECT_EQ(x.lines[l].amount, y.lines[l].amount) << x.externalKey << " line " << l;
            EXPECT_EQ(x.lines[l].rows, y.lines[l].rows) << x.externalKey << " line " << l;
        }
    }
}

std::string convertToV2(const std::string& path, V2Style style) {
    std::ostringstream out;
    V2Writer writer(out, style);
    parseFile(path, writer);
    return out.str();
}

TEST(Fixtures, WideLayoutConvertedToV2GivesTheIdenticalSummary) {
    std::size_t converted = 0;
    std::vector<std::string> files = madeFiles();
    const bool real = !realDir().empty() && std::filesystem::is_directory(realDir());
    if (real) {
        for (const auto& file : allFixtures()) files.push_back(file);
    }
    for (const auto& file : files) {
        const std::string name = std::filesystem::path(file).filename().string();
        if (name.rfind("v1flat_", 0) != 0 && name.rfind("v1_", 0) != 0 && name.rfind("v1-33_", 0) != 0) continue;
        for (const bool split : {false, true}) {
            SummarizeOptions options;
            options.splitMonths = split;
            const Summary original = summarizeFile(file, options);
            EXPECT_EQ(original.header.layout, Layout::FlatFileV1);
            for (const V2Style style : {V2Style{}, V2Style{',', true}}) {
                std::istringstream v2(convertToV2(file, style));
                const Summary again = summarizeStream(v2, file + ".v2", options);
                EXPECT_EQ(again.header.layout, Layout::FlatFileV2);
                expectSameSummary(original, again,
                                  file + (split ? " split" : "") + (style.decimalSeparator == ',' ? " EU style" : ""));
            }
        }
        ++converted;
    }
    EXPECT_EQ(converted, real ? 15u : 8u);
}

TEST(Fixtures, GrossModeOnARealFileSaysItDoesNotMatch) {
    SKIP_WITHOUT_REAL_FILES();
    SummarizeOptions options;
    options.grossMode = true;
    const Summary summary = summarizeFile(fixture("v1flat_CA_CAD_24391894961_storage-fee_ads_shipping-promo.txt"), options);
    EXPECT_TRUE(summary.grossMode);
    EXPECT_FALSE(summary.reconciled);
    EXPECT_EQ(summary.rowsTotal, summary.header.totalAmount);
    EXPECT_NE(summary.documentsNet, summary.header.totalAmount);
    for (const auto& document : summary.documents)
        for (const auto& line : document.lines) {
            EXPECT_TRUE(line.category == "product" || line.category == "shipping" || line.category == "promotions")
                << line.category;
        }
    ASSERT_FALSE(summary.notes.empty());
    EXPECT_NE(summary.notes.back().find("do NOT match the deposit of 2539.66 CAD"), std::string::npos) << summary.notes.back();
}

TEST(Fixtures, SyntheticUsFileWithTaxReservesAndAMonthEnd) {
    const std::string path = synthetic("v2_US_USD_synthetic_mf-tax_reserve_month-end.txt");
    const Summary plain = summarizeFile(path, {});
    expectReconciled(plain, "US");
    EXPECT_EQ(plain.header.totalAmount, 10120);
    EXPECT_EQ(plain.timeZone, "America/Los_Angeles");
    ASSERT_EQ(plain.documents.size(), 2u);
    const auto& receipt = plain.documents[0];
    EXPECT_EQ(receipt.total(), 12320);
    EXPECT_EQ(plain.documents[1].total(), 2200);
    std::map<std::string, common::Cents> byCategory;
    for (const auto& line : receipt.lines) byCategory[line.category] += line.amount;
    EXPECT_EQ(byCategory["product-tax"], 1560);
    EXPECT_EQ(byCategory["marketplace-tax-withheld"], -1648);  // nets the three tax lines to zero
    EXPECT_EQ(byCategory["product-tax"] + byCategory["shipping-tax"] + byCategory["gift-wrap-tax"] +
                  byCategory["marketplace-tax-withheld"],
              0);
    EXPECT_EQ(byCategory["gift-wrap"], 499);
    EXPECT_EQ(byCategory["reserve"], -500);
    EXPECT_EQ(byCategory["reimbursements"], 950);
    // The SKU with ':' and 45 characters becomes a 31-character item name; the SKU stays in the description.
    EXPECT_EQ(receipt.lines[0].sku, "GIFT-SET:DELUXE-EDITION-WITH-EXTRA-LONG-NAME");
    EXPECT_EQ(receipt.lines[0].item, skuItemName("GIFT-SET:DELUXE-EDITION-WITH-EXTRA-LONG-NAME"));
    EXPECT_EQ(receipt.lines[0].item.find(':'), std::string::npos);
    EXPECT_EQ(utf8Length(receipt.lines[0].item), kMaxItemNameLength);
    EXPECT_EQ(receipt.lines[0].description, "Sales of SKU GIFT-SET:DELUXE-EDITION-WITH-EXTRA-LONG-NAME");

    const Summary split = summarizeFile(path, splitOptions());
    expectReconciled(split, "US split");
    ASSERT_EQ(split.parts.size(), 2u);
    EXPECT_EQ(split.parts[0].month, "2025-10");
    EXPECT_EQ(split.parts[0].txnDate, "2025-10-31");
    EXPECT_EQ(split.parts[0].net, 7291);  // includes the 2025-11-01 06:30 UTC sale: October 31 in Los Angeles
    EXPECT_EQ(split.parts[1].month, "2025-11");
    EXPECT_EQ(split.parts[1].txnDate, "2025-11-07");
    EXPECT_EQ(split.parts[1].net, 2829);
    ASSERT_EQ(split.documents.size(), 3u);
    EXPECT_EQ(split.documents[0].externalKey, "12000000001:R:0");
    EXPECT_EQ(split.documents[1].externalKey, "12000000001:R:1");
    EXPECT_EQ(split.documents[2].externalKey, "12000000001:C:1");
}

TEST(Fixtures, SyntheticGermanFileWithDecimalCommas) {
    const std::string path = synthetic("v2_DE_EUR_synthetic_decimal-comma.txt");
    const Summary plain = summarizeFile(path, {});
    expectReconciled(plain, "DE");
    EXPECT_EQ(plain.header.totalAmount, 99412);
    EXPECT_EQ(plain.timeZone, "Europe/Berlin");
    EXPECT_EQ(plain.documents[0].lines[0].sku, "KAFFEE-M\u00dcHLE-PRO");
    EXPECT_EQ(plain.documents[0].lines[0].quantity, 3);
    EXPECT_EQ(plain.documents[0].lines[0].amount, 123456);

    const Summary split = summarizeFile(path, splitOptions());
    expectReconciled(split, "DE split");
    ASSERT_EQ(split.parts.size(), 2u);
    EXPECT_EQ(split.parts[0].net, 103708);  // September
    EXPECT_EQ(split.parts[1].net, -4296);   // October: the 2025-09-30 22:30 UTC sale is October 1 in Berlin
    ASSERT_EQ(split.documents.size(), 2u);
    EXPECT_EQ(split.documents[1].kind, DocumentKind::CreditMemo);  // the negative October receipt moved here
    EXPECT_EQ(split.documents[1].total(), 4296);

    SummarizeOptions utc = splitOptions();
    utc.timeZone = "UTC";
    const Summary inUtc = summarizeFile(path, utc);
    expectReconciled(inUtc, "DE split UTC");
    EXPECT_EQ(inUtc.parts[0].net, 103708 + 1999 + 499 - 375);  // in UTC the T-shirt sale stays in September
}

}  // namespace
}  // namespace settlebridge::settlement
