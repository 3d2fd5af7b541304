// Pure pieces of the ads area: the largest-remainder split, report rows, the Walmart table parser and column
// table. (The exact decimals and the number-keeping JSON reader they read with are in daemon/settlement/ and
// tested in tests/unit/settlement/.)

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <numeric>

#include "daemon/ads/allocation.hpp"
#include "daemon/ads/amazon_reports.hpp"
#include "daemon/ads/errors.hpp"
#include "daemon/ads/walmart.hpp"
#include "daemon/common/json.hpp"
#include "tests/unit/store/temp_dir.hpp"

namespace settlebridge::ads {
namespace {

using common::Json;

TEST(Allocation, LargestRemainderSumsExactly) {
    EXPECT_EQ(allocateProportionally(100, {1, 1, 1}), (std::vector<std::int64_t>{34, 33, 33}));
    EXPECT_EQ(allocateProportionally(100, {0, 0}), (std::vector<std::int64_t>{50, 50}));
    EXPECT_EQ(allocateProportionally(100, {1100, 3000}), (std::vector<std::int64_t>{27, 73}));
    EXPECT_EQ(allocateProportionally(-101, {1, 1}), (std::vector<std::int64_t>{-51, -50}));
    EXPECT_EQ(allocateProportionally(7, {5, -3, 0}), (std::vector<std::int64_t>{7, 0, 0}));
    EXPECT_TRUE(allocateProportionally(5, {}).empty());
    const std::vector<std::int64_t> weights{INT64_MAX, INT64_MAX / 3, 17};
    const auto parts = allocateProportionally(INT64_MAX, weights);
    EXPECT_EQ(std::accumulate(parts.begin(), parts.end(), std::int64_t{0}), INT64_MAX);
    for (std::int64_t total : {1, 2, 99, 12345, 1000001}) {
        const auto p = allocateProportionally(total, {3, 7, 11, 13});
        EXPECT_EQ(std::accumulate(p.begin(), p.end(), std::int64_t{0}), total);
    }
}

TEST(AmazonReports, RowsAndRequestsFollowTheReportTypes) {
    const auto& sp = amazonReportKind("SP");
    const ReportRequest req = makeReportRequest(sp, "2026-05-01", "2026-05-31");
    const common::Json body = common::Json::parse(req.toJson());
    EXPECT_EQ(body.get("startDate"), "2026-05-01");
    const common::Json* conf = body.find("configuration");
    ASSERT_NE(conf, nullptr);
    EXPECT_EQ(conf->get("reportTypeId"), "spAdvertisedProduct");
    EXPECT_EQ(conf->get("timeUnit"), "DAILY");
    EXPECT_EQ(conf->get("format"), "GZIP_JSON");
    EXPECT_EQ(conf->find("groupBy")->items().at(0).text(), "advertiser");

    const common::Json rows = common::Json::parse(R"([{"date":"2026-05-02","campaignId":158410630682987,"advertisedSku":"A","advertisedAsin":"B0A",
        "cost":14.5,"clicks":13,"impressions":2216,"sales7d":null,"purchases7d":2}])");
    const auto out = rowsFromReport(sp, rows, "2026-05-01", "2026-05-31");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].campaignId, "158410630682987");
    EXPECT_EQ(out[0].cost, 1450);
    EXPECT_EQ(out[0].sales, 0);
    EXPECT_EQ(out[0].impressions, 2216);
    EXPECT_EQ(out[0].adProduct, "SP");

    // Bad rows are refused with the row and column named.
    try {
        rowsFromReport(sp, common::Json::parse(R"([{"date":"2026-05-02","campaignId":1,"cost":"12,50"}])"), "2026-05-01", "2026-05-31");
        FAIL();
    } catch (const AdsError& e) {
        EXPECT_NE(std::string(e.what()).find("row 1, column cost"), std::string::npos) << e.what();
    }
    EXPECT_THROW(rowsFromReport(sp, common::Json::parse(R"([{"date":"2026-06-02","campaignId":1,"cost":1}])"), "2026-05-01", "2026-05-31"),
                 AdsError);
    EXPECT_THROW(rowsFromReport(sp, common::Json::parse(R"([{"date":"2026-05-02","cost":1}])"), "2026-05-01", "2026-05-31"), AdsError);
    EXPECT_THROW(rowsFromReport(sp, common::Json::parse(R"({"date":"2026-05-02"})"), "2026-05-01", "2026-05-31"), AdsError);
}

TEST(AmazonReports, SponsoredBrandsWithoutAdsStaysOneUnallocatedRow) {
    store::AdSpendRow c;
    c.adProduct = "SB";
    c.date = "2026-05-02";
    c.campaignId = "9";
    c.cost = 101;
    c.clicks = 3;
    const auto none = allocateSponsoredBrands({c}, {}, {}, [](auto&, auto&, auto&) { return 0; });
    ASSERT_EQ(none.size(), 1u);
    EXPECT_FALSE(none[0].allocated);
    EXPECT_EQ(none[0].cost, 101);
    // Equal split when no SKU has sales; an ASIN without a known SKU keeps its ASIN.
    const auto split = allocateSponsoredBrands({c}, {{"9", {"B0A", "B0B", "B0A"}}}, {{"B0A", "SKU-A"}},
                                               [](auto&, auto&, auto&) { return 0; });
    ASSERT_EQ(split.size(), 2u);
    EXPECT_EQ(split[0].sku, "SKU-A");
    EXPECT_EQ(split[0].cost, 51);
    EXPECT_EQ(split[1].sku, "");
    EXPECT_EQ(split[1].asin, "B0B");
    EXPECT_EQ(split[1].cost, 50);
    EXPECT_EQ(split[0].clicks + split[1].clicks, 3);
}

TEST(Walmart, TablesParseCsvAndJsonAndTheColumnTableCanBeReplaced) {
    const auto csv = readTable("date,campaignId,itemId,adSpend\r\n2026-05-01,1,\"12,3\",\"1.5\"\r\n20260502,1,9,\"2\"\"\"\n");
    ASSERT_EQ(csv.size(), 2u);
    EXPECT_EQ(csv[0].at("itemId"), "12,3");
    EXPECT_EQ(csv[1].at("adSpend"), "2\"");
    EXPECT_THROW(readTable("a,b\n1\n"), AdsError);
    EXPECT_THROW(readTable("a,b\n\"1,2\n"), AdsError);
    const auto json = readTable(R"([{"Date":"2026-05-01","Campaign Id":"1","Item Id":"5","Ad Spend":"0.25"}])");
    const auto cols = WalmartColumns::builtIn();
    const auto rows = walmartSpendRows(json, cols, {{"5", "S5"}}, "2026-05-01", "2026-05-01");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].cost, 25);
    EXPECT_EQ(rows[0].sku, "S5");
    EXPECT_THROW(walmartSpendRows(csv, cols, {}, "2026-05-01", "2026-05-02"), AdsError);  // "2\"" is not an amount

    settlebridge::testing::TempDir dir;
    {
        std::ofstream f(dir.file("cols.json"));
        f << R"({"adItem": {"cost": ["spendUsd"]}, "itemReportType": "itemList"})";
    }
    const auto custom = WalmartColumns::load(dir.file("cols.json").string());
    EXPECT_EQ(custom.itemReportType, "itemList");
    EXPECT_EQ(custom.adItemMetrics().at(3), "spendUsd");
    const auto renamed = walmartSpendRows(readTable("date,campaignId,itemId,spendUsd\n2026-05-01,1,5,3.10\n"), custom, {},
                                          "2026-05-01", "2026-05-01");
    EXPECT_EQ(renamed.at(0).cost, 310);
    {
        std::ofstream f(dir.file("bad.json"));
        f << R"({"adItem": {"cost": "spendUsd"}})";
    }
    EXPECT_THROW(WalmartColumns::load(dir.file("bad.json").string()), AdsError);
    EXPECT_THROW(WalmartColumns::load(dir.file("missing.json").string()), AdsError);
    EXPECT_THROW(WalmartCredentials::fromJson(R"({"auth_token":"x"})"), AdsError);
}

}  // namespace
}  // namespace settlebridge::ads
