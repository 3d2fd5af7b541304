#pragma once
// Test support for the parser tests: a RowSink that keeps owned copies of what it receives and checks the
// sink contract (one header, before any row; every text valid UTF-8).

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/settlement/model.hpp"
#include "daemon/common/money.hpp"
#include "daemon/common/text.hpp"
#include "tests/support/test_paths.hpp"
#include "tests/unit/common/outside_data.hpp"

namespace settlebridge::settlement::testing {

struct RecordedRow {
    std::size_t line = 0;
    std::string transactionType;
    std::string amountType;
    std::string amountDescription;
    common::Cents amount = 0;
    std::string orderId;
    std::string adjustmentId;
    std::string orderItemCode;
    std::string sku;
    std::string marketplaceName;
    std::string fulfillmentId;
    common::UtcSeconds postedUtc = 0;
    std::int64_t quantity = 0;

    /// Same content, line number aside.
    bool sameContent(const RecordedRow& o) const {
        return transactionType == o.transactionType && amountType == o.amountType &&
               amountDescription == o.amountDescription && amount == o.amount && orderId == o.orderId &&
               adjustmentId == o.adjustmentId && orderItemCode == o.orderItemCode && sku == o.sku &&
               marketplaceName == o.marketplaceName && fulfillmentId == o.fulfillmentId && postedUtc == o.postedUtc &&
               quantity == o.quantity;
    }
    bool operator==(const RecordedRow& o) const { return line == o.line && sameContent(o); }
};

inline std::ostream& operator<<(std::ostream& os, const RecordedRow& r) {
    return os << "{line " << r.line << " " << r.transactionType << " | " << r.amountType << " | " << r.amountDescription
              << " | " << common::formatCents(r.amount) << " | order " << r.orderId << " adj " << r.adjustmentId << " item "
              << r.orderItemCode << " sku " << r.sku << " mkt " << r.marketplaceName << " ful " << r.fulfillmentId
              << " posted " << r.postedUtc << " qty " << r.quantity << "}";
}

class RowRecorder : public RowSink {
public:
    std::optional<SettlementHeader> header;
    std::vector<RecordedRow> rows;
    int headerCalls = 0;

    void onHeader(const SettlementHeader& h) override {
        ++headerCalls;
        EXPECT_TRUE(rows.empty()) << "onHeader after rows";
        EXPECT_TRUE(common::isValidUtf8(h.settlementId));
        EXPECT_TRUE(common::isValidUtf8(h.currency));
        header = h;
    }

    void onRow(const Row& r) override {
        EXPECT_TRUE(header.has_value()) << "onRow before onHeader";
        for (const std::string_view text :
             {r.transactionType, r.amountType, r.amountDescription, r.orderId, r.adjustmentId, r.orderItemCode, r.sku,
              r.marketplaceName, r.fulfillmentId}) {
            EXPECT_TRUE(common::isValidUtf8(text)) << "line " << r.line << ": not UTF-8: " << text;
        }
        RecordedRow c;
        c.line = r.line;
        c.transactionType = std::string(r.transactionType);
        c.amountType = std::string(r.amountType);
        c.amountDescription = std::string(r.amountDescription);
        c.amount = r.amount;
        c.orderId = std::string(r.orderId);
        c.adjustmentId = std::string(r.adjustmentId);
        c.orderItemCode = std::string(r.orderItemCode);
        c.sku = std::string(r.sku);
        c.marketplaceName = std::string(r.marketplaceName);
        c.fulfillmentId = std::string(r.fulfillmentId);
        c.postedUtc = r.postedUtc;
        c.quantity = r.quantity;
        rows.push_back(std::move(c));
    }

    common::Cents sum() const {
        common::Cents total = 0;
        for (const RecordedRow& r : rows) total += r.amount;
        return total;
    }
};

/// True when the real Amazon settlement files are here ($SETTLEBRIDGE_FIXTURES_DIR/settlements, default
/// ../shared/fixtures/settlements): they may not be redistributed, so tests on them are optional.
inline bool realFixturesHere() {
    const auto dir = settlebridge::testing::fixturesDir();
    return dir && std::filesystem::is_directory(*dir / "settlements");
}

/// Skips the calling test, visibly, when the real settlement files are not here.
#define SETTLEBRIDGE_SKIP_WITHOUT_REAL_FIXTURES()                                                         \
    do {                                                                                                  \
        if (!::settlebridge::settlement::testing::realFixturesHere()) {                                   \
            GTEST_SKIP() << ::settlebridge::testing::missingFixtures();                                   \
        }                                                                                                 \
    } while (false)

/// A settlement report by name: the real ones (v1flat_*, v2flat_*: outside the repository) or the project-made
/// ones (tests/data/settlements/made, see its README; extra/... there too).
inline std::string fixturePath(const std::string& name) {
    if (name.rfind("v1flat_", 0) == 0 || name.rfind("v2flat_", 0) == 0) {
        const auto dir = settlebridge::testing::fixturesDir();
        return (dir ? *dir : std::filesystem::path("(no fixtures folder)")) / "settlements" / name;
    }
    return std::string(SETTLEBRIDGE_SOURCE_DIR) + "/tests/data/settlements/made/" + name;
}

inline std::string dataPath(const std::string& name) {
    return std::string(SETTLEBRIDGE_SOURCE_DIR) + "/tests/data/settlements/" + name;
}

inline std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in.good()) << "cannot open " << path;
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

inline const std::vector<std::string>& v1Fixtures() {
    static const std::vector<std::string> files = {
        "v1flat_CA_CAD_23874396421_negative-total_inbound-transport_33col.txt",
        "v1flat_CA_CAD_23874397121_negative-total_payable-to-amazon_successful-charge.txt",
        "v1flat_CA_CAD_24288684721_refund_ads_micro-deposit_warehouse-damage.txt",
        "v1flat_CA_CAD_24391894961_storage-fee_ads_shipping-promo.txt",
        "v1flat_CA_CAD_24495221541_reversal-reimbursement_refunds.txt",
        "v1flat_CA_CAD_24596907561_storage_warehouse-damage.txt",
        "v1flat_CA_CAD_24702193891_1244rows.txt",
    };
    return files;
}

inline const std::string& v2Fixture() {
    static const std::string file =
        "v2flat_IN_INR_SANITIZED_99000000001_negative-total_payable-to-amazon_debt-adjustment_ads.txt";
    return file;
}

/// The project-made legacy-layout files (tests/data/settlements/made): the 33-column one first.
inline const std::vector<std::string>& madeV1Files() {
    static const std::vector<std::string> files = {
        "v1-33_CA_CAD_90000000011_negative-total_inbound-transport_month-end.txt",
        "v1_CA_CAD_90000000012_negative-total_payable-to-amazon_successful-charge.txt",
        "v1_CA_CAD_90000000013_refund_ads_micro-deposit_warehouse-damage.txt",
        "v1_CA_CAD_90000000014_storage-fee_ads_shipping-promo_month-end.txt",
        "v1_CA_CAD_90000000015_reversal-reimbursement_refunds.txt",
        "v1_CA_CAD_90000000016_storage_warehouse-damage_month-end.txt",
        "v1_CA_CAD_90000000017_large.txt",
        "extra/v1_DE_EUR_90000000019_windows-1252_decimal-comma_month-end.txt",
    };
    return files;
}

inline const std::string& madeV2File() {
    static const std::string file = "v2_IN_INR_90000000018_negative-total_payable-to-amazon_debt-adjustment_ads.txt";
    return file;
}

/// Every legacy-layout file at hand: the project-made ones, and the real ones when they are here.
inline std::vector<std::string> allV1Files() {
    std::vector<std::string> files = madeV1Files();
    if (realFixturesHere()) files.insert(files.end(), v1Fixtures().begin(), v1Fixtures().end());
    return files;
}

/// Every V2 file of the two sets at hand.
inline std::vector<std::string> allV2Files() {
    std::vector<std::string> files = {madeV2File()};
    if (realFixturesHere()) files.push_back(v2Fixture());
    return files;
}

/// The synthetic files that parse (tests/data/settlements/).
inline const std::vector<std::string>& goodSyntheticFiles() {
    static const std::vector<std::string> files = {
        "v2_DE_EUR_decimal_comma.txt",
        "v2_US_USD_marketplace_facilitator_23col.txt",
        "v2_GB_GBP_bom_crlf_trailing_tabs_blank_lines.txt",
        "v2_FR_EUR_windows1252.txt",
        "v2_reordered_extra_columns.txt",
    };
    return files;
}

}  // namespace settlebridge::settlement::testing
