// The contract check for the Ads API: Prism (npm @stoplight/prism-cli, offline) in proxy mode with --errors
// between the Ads client and the simulator validates every v3 reporting request and response against Amazon's
// OfflineReport_prod_3p model (amazon-ads/ of $SETTLEBRIDGE_SPEC_DIR, default ../shared/spec: optional, the model
// may not be redistributed). The simulator's Walmart Connect answers are checked against the SnapshotResponse /
// SnapshotResponseV2 shape (the enums and types; written here, and compared with walmart-connect/ of the same
// folder when it is there), since the saved Walmart spec contradicts itself on the request (it marks
// reportDate, startDate and endDate all required while its text forbids sending both): see docs/ADS.md.
// Without Prism the Amazon test is skipped on a developer machine and fails under CI (CI=true).

#include <gtest/gtest.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "daemon/ads/amazon_ads_client.hpp"
#include "daemon/ads/amazon_reports.hpp"
#include "daemon/ads/errors.hpp"
#include "daemon/ads/sync.hpp"
#include "daemon/net/clock.hpp"
#include "daemon/amazon/lwa.hpp"
#include "daemon/common/datetime.hpp"
#include "daemon/common/json.hpp"
#include "tests/unit/ads/ads_sim_process.hpp"
#include "tests/unit/common/outside_data.hpp"
#include "tests/unit/common/prism_proxy.hpp"

namespace settlebridge::ads {
namespace {

using namespace std::chrono_literals;
using settlebridge::testing::AdsSim;
using settlebridge::testing::PrismProxy;
using settlebridge::testing::prismAvailable;
using settlebridge::testing::TempDir;
using common::Json;

// Amazon publishes the Ads API models without a licence that allows redistribution: the check runs when
// $SETTLEBRIDGE_SPEC_DIR (default ../shared/spec) holds amazon-ads/OfflineReport_prod_3p.reporting-v3.json.
std::optional<std::string> specPath() {
    const auto dir = settlebridge::testing::specDir();
    const auto path = dir ? *dir / "amazon-ads" / "OfflineReport_prod_3p.reporting-v3.json" : std::filesystem::path();
    if (!dir || !std::filesystem::exists(path)) return std::nullopt;
    return path.string();
}

TEST(AdsContract, ReportingCallsFollowTheV3ModelThroughPrism) {
    const auto spec = specPath();
    if (!spec) GTEST_SKIP() << settlebridge::testing::missingSpec("Amazon's Ads reporting v3 model (amazon-ads/)");
    if (!prismAvailable()) GTEST_SKIP() << "Prism not installed: run tools/install-node-tools.sh";
    AdsSim sim;
    TempDir dir;
    const PrismProxy prism(*spec, sim.url(), dir.file("prism.log"));
    const std::string today = common::formatUtcDate(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    sim.control(R"({"pending_polls": 1, "data": {"spend": {"999999999": {"SP": [{"date": ")" + today +
                R"(", "campaignId": 1, "adGroupId": 2, "adId": 3, "advertisedSku": "S", "advertisedAsin": "B0", "cost": "1.99",
                    "clicks": 1, "impressions": 2, "sales7d": "0", "purchases7d": 0}]}}}})");

    net::ManualClock clock(std::chrono::system_clock::now());
    amazon::LwaConfig lc;
    lc.tokenUrl = sim.url() + "/auth/o2/token";
    lc.clientId = settlebridge::testing::kAdsClientId;
    lc.clientSecret = settlebridge::testing::kAdsClientSecret;
    lc.retry = settlebridge::testing::fastAdsRetry();
    amazon::LwaClient lwa(lc, clock);
    amazon::AccessTokenProvider tokens(lwa, settlebridge::testing::kAdsRefreshToken);
    AdsApiConfig ac;
    ac.endpoint = prism.url();  // report calls through Prism; the download link points at the simulator
    ac.clientId = settlebridge::testing::kAdsClientId;
    ac.retry = settlebridge::testing::fastAdsRetry();
    ac.pollInitial = 10ms;
    ac.pollMax = 20ms;
    AdsApiClient client(ac, tokens, clock);

    for (const auto& kind : amazonReportKinds()) {
        const common::Json rows = client.runReport("999999999", makeReportRequest(kind, addDays(today, -3), today));
        EXPECT_TRUE(rows.isArray()) << prism.log();
    }
    // Error answers pass the model too: 425 duplicate, 429 with Retry-After, 500.
    sim.control(R"({"duplicate_next_create": true,
                    "fail_next": [{"operation": "createReport", "status": 429, "retry_after": 1},
                                  {"operation": "getReport", "status": 500}]})");
    const auto created = client.createReport("999999999", makeReportRequest(amazonReportKind("SP"), addDays(today, -9), today));
    EXPECT_TRUE(created.duplicate);
    EXPECT_EQ(client.waitForReport("999999999", created.reportId).status, "COMPLETED") << prism.log();
    // A request the model refuses (no columns) never reaches the simulator as valid.
    ReportRequest bad = makeReportRequest(amazonReportKind("SP"), today, today);
    bad.columns.clear();
    EXPECT_THROW(client.createReport("999999999", bad), AdsError);
    EXPECT_EQ(prism.log().find("VIOLATION"), std::string::npos) << prism.log();
}

/// The SnapshotResponse(V2) shape: code success|failure, snapshotId string, jobStatus in the enum, details string.
void expectSnapshotShape(const common::Json& j) {
    ASSERT_TRUE(j.isObject());
    const std::string code = j.get("code");
    EXPECT_TRUE(code == "success" || code == "failure") << code;
    ASSERT_NE(j.find("snapshotId"), nullptr);
    EXPECT_TRUE(j.find("snapshotId")->isString());
    const std::string status = j.get("jobStatus");
    EXPECT_TRUE(status == "pending" || status == "processing" || status == "done" || status == "failed" ||
                status == "expired")
        << status;
    ASSERT_NE(j.find("details"), nullptr);
    EXPECT_TRUE(j.find("details")->isString());
    for (const auto& [key, value] : j.members()) {
        EXPECT_TRUE(key == "code" || key == "snapshotId" || key == "jobStatus" || key == "details") << key;
    }
}

// Walmart does not publish its Sponsored Search model for redistribution, nor its samples: the check of the shape
// against them runs when $SETTLEBRIDGE_SPEC_DIR and $SETTLEBRIDGE_FIXTURES_DIR (default ../shared/...) hold them.
TEST(AdsContract, WalmartSnapshotShapeIsTheSpecsAndTheSamples) {
    const auto specDir = settlebridge::testing::specDir();
    const auto fixturesDir = settlebridge::testing::fixturesDir();
    if (!specDir || !std::filesystem::exists(*specDir / "walmart-connect")) {
        GTEST_SKIP() << settlebridge::testing::missingSpec("Walmart Connect's Sponsored Search model (walmart-connect/)");
    }
    if (!fixturesDir || !std::filesystem::exists(*fixturesDir / "ads" / "walmart")) {
        GTEST_SKIP() << settlebridge::testing::missingFixtures("Walmart's sample snapshot answer (ads/walmart/)");
    }
    // The schema itself, read from the saved spec (so a drift in either shows up here).
    const std::string specText = [&] {
        std::ifstream in(*specDir / "walmart-connect" / "sponsored-products.openapi.json");
        return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }();
    const common::Json spec = common::Json::parse(specText);
    const common::Json* v2 = spec.find("components")->find("schemas")->find("SnapshotResponseV2");
    ASSERT_NE(v2, nullptr);
    std::vector<std::string> statuses;
    for (const common::Json& s : v2->find("properties")->find("jobStatus")->find("enum")->items()) statuses.push_back(s.text());
    EXPECT_EQ(statuses, (std::vector<std::string>{"pending", "processing", "done", "failed", "expired"}));
    // The fixture (Walmart's own sample) has the same shape the simulator answers with.
    std::ifstream fixture(*fixturesDir / "ads" / "walmart" / "display.snapshot.response.json");
    expectSnapshotShape(common::Json::parse(std::string(std::istreambuf_iterator<char>(fixture), std::istreambuf_iterator<char>())));
}

TEST(AdsContract, WalmartSnapshotAnswersHaveTheSpecsShape) {
    AdsSim sim;
    sim.control(R"({"data": {"walmart": {"77": {"items": [], "adItem": []}}}})");
    auto post = [&](const std::string& body) {
        Poco::Net::HTTPClientSession session("127.0.0.1", sim.port());
        Poco::Net::HTTPRequest request("POST", "/api/v2/snapshot/report", Poco::Net::HTTPMessage::HTTP_1_1);
        request.set("Authorization", std::string("Bearer ") + settlebridge::testing::kWalmartToken);
        request.set("WM_CONSUMER.ID", settlebridge::testing::kWalmartConsumer);
        request.set("WM_SEC.KEY_VERSION", "1");
        request.set("WM_CONSUMER.intimestamp", "1700000000000");
        request.set("WM_SEC.AUTH_SIGNATURE", "c2ln");
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(body.size()));
        session.sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        std::string out;
        Poco::StreamCopier::copyToString(session.receiveResponse(response), out);
        return common::Json::parse(out);
    };
    const common::Json created = post(R"({"advertiserId": 77, "reportType": "adItem", "reportMetrics": ["date", "itemId", "adSpend"],
                                  "startDate": "2026-01-01", "endDate": "2026-01-02"})");
    expectSnapshotShape(created);
    expectSnapshotShape(post(R"({"advertiserId": 78, "reportType": "adItem", "reportMetrics": ["date"]})"));
    const auto status = settlebridge::testing::httpExchange(sim.port(), "GET", "/api/v2/snapshot?advertiserId=77&snapshotId=" +
                                                                              created.get("snapshotId"));
    EXPECT_EQ(status.status, 401);  // no signed headers
}

}  // namespace
}  // namespace settlebridge::ads
