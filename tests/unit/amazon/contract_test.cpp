// The contract check: Prism (npm @stoplight/prism-cli, offline) between the client and the simulator, in proxy
// mode with --errors, validates every SP-API request and response against Amazon's model
// (third_party/selling-partner-api-models, Apache-2.0); a violation becomes an error answer, so neither the client
// nor the simulator can drift from the contract unnoticed. Install Prism with tools/install-node-tools.sh.
// Without it the test is skipped on a developer machine and fails under CI (CI=true).

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "daemon/amazon/errors.hpp"
#include "daemon/amazon/lwa.hpp"
#include "daemon/amazon/reports_client.hpp"
#include "tests/support/test_paths.hpp"
#include "tests/unit/amazon/sim_process.hpp"
#include "tests/unit/common/prism_proxy.hpp"

using namespace std::chrono_literals;
using namespace settlebridge::amazon;
namespace net = settlebridge::net;
using settlebridge::testing::AmazonSim;
using settlebridge::testing::kSimRefreshToken;
using settlebridge::testing::lwaConfig;
using settlebridge::testing::PrismProxy;
using settlebridge::testing::prismAvailable;
using settlebridge::testing::spApiConfig;
using settlebridge::testing::TempFolder;

namespace {

std::string specPath() {
    return std::string(SETTLEBRIDGE_SOURCE_DIR) +
           "/third_party/selling-partner-api-models/models/reports-api-model/reports_2021-06-30.json";
}

}  // namespace

TEST(Contract, ClientAndSimulatorFollowTheReportsModelThroughPrism) {
    if (!prismAvailable()) GTEST_SKIP() << "Prism not installed: run tools/install-node-tools.sh";
    TempFolder folder;
    for (int i = 0; i < 5; ++i) {
        settlebridge::testing::writeBytes(folder.file(std::to_string(i) + ".txt"),
                                          settlebridge::testing::v2Settlement(std::to_string(70000000020 + i), "SKU"));
    }
    AmazonSim sim({"--reports-dir", folder.path().string(), "--page-size-cap", "2", "--gzip", "alternate", "--rate",
                   "getReports=1000:100", "--rate", "getReportDocument=1000:100"});
    const PrismProxy prism(specPath(), sim.url(), folder.file("prism.log"));

    SpApiConfig config = spApiConfig(sim);
    config.endpoint = prism.url();  // SP-API calls go through Prism; download links point at the simulator
    net::ManualClock clock(std::chrono::system_clock::now());
    LwaClient lwa(lwaConfig(sim), clock);
    AccessTokenProvider tokens(lwa, kSimRefreshToken);
    ReportsClient client(config, tokens, clock);

    // Paging (first page with filters, then nextToken alone), getReportDocument with and without GZIP.
    const auto reports = client.listSettlementReports(clock.wallNow() - 24h);
    ASSERT_EQ(reports.size(), 5u) << prism.log();
    for (const auto& r : reports) {
        EXPECT_FALSE(client.downloadReport(r.reportDocumentId).empty()) << prism.log();
    }
    EXPECT_EQ(sim.count("getReports"), 3);
    EXPECT_EQ(sim.count("getReportDocument"), 5);

    // Error answers pass the model too: 429 QuotaExceeded, 500, 403 Unauthorized (expired token), 404.
    sim.control(R"({"fail_next": [{"operation": "getReports", "status": 429, "retry_after": 1},
                                  {"operation": "getReportDocument", "status": 500},
                                  {"operation": "getReportDocument", "status": 503}]})");
    EXPECT_EQ(client.listSettlementReports(clock.wallNow() - 24h).size(), 5u) << prism.log();
    EXPECT_FALSE(client.downloadReport(reports[0].reportDocumentId).empty()) << prism.log();
    sim.control(R"({"expire_access_tokens": true})");
    EXPECT_EQ(client.getReportDocument(reports[1].reportDocumentId).reportDocumentId, reports[1].reportDocumentId)
        << prism.log();
    try {
        client.getReportDocument("amzn1.spdoc.1.4.na.does-not-exist");
        FAIL() << "no error";
    } catch (const SpApiError& e) {
        EXPECT_EQ(e.httpStatus(), 404) << e.what() << "\n" << prism.log();
        EXPECT_EQ(e.code(), "NotFound");
    }
    EXPECT_EQ(prism.log().find("VIOLATION"), std::string::npos) << prism.log();
}

TEST(Contract, PrismCatchesADriftingAnswerOrRequest) {
    if (!prismAvailable()) GTEST_SKIP() << "Prism not installed: run tools/install-node-tools.sh";
    TempFolder folder;
    settlebridge::testing::writeBytes(folder.file("a.txt"), settlebridge::testing::v2Settlement("70000000030", "SKU"));
    AmazonSim sim({"--reports-dir", folder.path().string(), "--rate", "getReports=1000:100"});
    const PrismProxy prism(specPath(), sim.url(), folder.file("prism.log"));

    // An answer missing the model's required fields (a simulator that drifted) does not reach the client.
    sim.control(R"({"fail_next": [{"operation": "getReports", "status": 200,
                                   "body": "{\"reports\": [{\"reportId\": \"1\"}]}"}]})");
    SpApiConfig config = spApiConfig(sim);
    config.endpoint = prism.url();
    config.retry.maxAttempts = 1;
    net::ManualClock clock(std::chrono::system_clock::now());
    LwaClient lwa(lwaConfig(sim), clock);
    AccessTokenProvider tokens(lwa, kSimRefreshToken);
    ReportsClient client(config, tokens, clock);
    try {
        client.listSettlementReports(clock.wallNow() - 24h);
        FAIL() << "Prism let a response without processingStatus/reportType/createdTime through\n" << prism.log();
    } catch (const SpApiError& e) {
        EXPECT_GE(e.httpStatus(), 500) << e.what();
        EXPECT_NE(std::string(e.what()).find("prism/errors#VIOLATIONS"), std::string::npos) << e.what() << "\n"
                                                                                         << prism.log();
    }

    // A request the model forbids (pageSize above 100) is refused by Prism before it reaches the simulator.
    const int before = sim.count("getReports");
    const auto refused = settlebridge::testing::httpExchange(
        prism.port(), "GET", "/reports/2021-06-30/reports?reportTypes=GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2&pageSize=500");
    EXPECT_EQ(refused.status, 422) << refused.body;
    EXPECT_NE(refused.body.find("pagesize"), std::string::npos) << refused.body;
    EXPECT_EQ(sim.count("getReports"), before);
}
