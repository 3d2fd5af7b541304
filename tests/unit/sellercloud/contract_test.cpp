// The contract check: Prism (npm @stoplight/prism-cli, offline) in proxy mode with --errors between the client and
// the simulator validates every request and response against Sellercloud's Swagger
// (swagger.tt.api.sellercloud.com.2022-02.json). A violation becomes a 422/500 answer, so neither the client nor the
// simulator can drift from the contract unnoticed. Sellercloud's Swagger carries no licence that allows
// redistribution: the check runs when $SETTLEBRIDGE_SPEC_DIR (default ../shared/spec) holds sellercloud/.
//
// One adjustment, made in a temporary copy: the Swagger types UpdateCustomColumn.Value as `{"type": "object"}`,
// which is how its generator (NSwag) writes a .NET `object` ("any value"); Sellercloud's own documentation sends
// a string there (its "Update custom column" article's sample request). Read
// literally, no number or string would pass, so the copy drops that one `type`. Statuses the Swagger does not
// list (401, 429, 500 are undocumented there) are Prism warnings, not errors; they are allowed, nothing else is.
// The team lookup (api.sellercloud.com) is not in the Swagger and is tested in client_test.cpp.
// Without Prism the test is skipped on a developer machine and fails under CI (CI=true).

#include <gtest/gtest.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "daemon/sellercloud/client.hpp"
#include "daemon/sellercloud/errors.hpp"
#include "tests/unit/common/outside_data.hpp"
#include "tests/unit/common/prism_proxy.hpp"
#include "tests/unit/sellercloud/sim.hpp"

using namespace std::chrono_literals;
using namespace settlebridge::sellercloud;
using settlebridge::sctest::SellercloudSim;
using settlebridge::sctest::TempFolder;
using settlebridge::testing::PrismProxy;
using settlebridge::testing::prismAvailable;

namespace {

namespace fs = std::filesystem;

std::string swaggerPath() {
    const auto dir = settlebridge::testing::specDir();
    return dir ? (*dir / "sellercloud" / "swagger.tt.api.sellercloud.com.2022-02.json").string() : std::string();
}

bool swaggerHere() { return !swaggerPath().empty() && fs::exists(swaggerPath()); }

/// The Swagger with UpdateCustomColumn.Value untyped (see above), written into `folder`.
std::string relaxedSwagger(const TempFolder& folder) {
    Poco::JSON::Parser parser;
    const auto spec = parser.parse(settlebridge::sctest::readFile(swaggerPath())).extract<Poco::JSON::Object::Ptr>();
    const auto properties = spec->getObject("definitions")
                                ->getObject("SellerCloud.Delta.Models.ClientAPI.Base.UpdateCustomColumn")
                                ->getObject("properties");
    Poco::JSON::Object::Ptr value = properties->get("Value").extract<Poco::JSON::Object::Ptr>();
    value->remove("type");
    const fs::path out = folder.file("swagger.relaxed.json");
    std::ofstream file(out);
    spec->stringify(file);
    return out.string();
}

/// Prism takes longer to load this Swagger (about 1 MB) than the Amazon models (under 100 kB).
constexpr auto kPrismStart = 120s;

/// The violations in Prism's log other than "a status the document does not list" (see above).
std::vector<std::string> violations(const PrismProxy& prism) {
    std::vector<std::string> out;
    std::istringstream lines(prism.log());
    std::string line;
    while (std::getline(lines, line)) {
        if (line.find("iolation") == std::string::npos && line.find("UNPROCESSABLE") == std::string::npos) continue;
        if (line.find("Unable to match the returned status code") != std::string::npos) continue;
        out.push_back(line);
    }
    return out;
}

}  // namespace

TEST(Contract, ClientAndSimulatorFollowTheSwaggerThroughPrism) {
    if (!swaggerHere()) GTEST_SKIP() << settlebridge::testing::missingSpec("Sellercloud's Swagger (sellercloud/)");
    if (!prismAvailable()) GTEST_SKIP() << "Prism not installed: run tools/install-node-tools.sh";
    TempFolder folder;
    SellercloudSim sim;
    sim.control(R"({"add_products": [{"ID": "EAN-1", "CompanyID": 1, "EAN": "4006381333931", "AverageCost": 1.5}]})");
    // Prism serves the Swagger's paths (/api/...) and forwards them under the simulator's /rest (the basePath).
    const PrismProxy prism(relaxedSwagger(folder), sim.url() + "/rest", folder.file("prism.log"), kPrismStart);

    ClientConfig config = settlebridge::sctest::clientConfig(sim);
    config.baseUrl = prism.url() + "/api/";
    Client client(config);
    EXPECT_EQ(client.companies().size(), 2u) << prism.log();
    CatalogQuery bySku;
    bySku.sku = "WIDGET-1";
    bySku.companyId = 1;
    EXPECT_EQ(client.catalog(bySku).size(), 1u) << prism.log();
    CatalogQuery byUpc;
    byUpc.upc = "012345678905";
    EXPECT_EQ(client.catalog(byUpc).size(), 1u) << prism.log();
    CatalogQuery byKeyword;
    byKeyword.keyword = "B000WIDGET";
    byKeyword.companyId = 1;
    EXPECT_EQ(client.catalog(byKeyword).size(), 1u) << prism.log();
    EXPECT_EQ(client.inventoryByEan("4006381333931", 1).size(), 1u) << prism.log();
    client.updateCustomColumns("WIDGET-1", {{"AdSpend7Days", "12.50"}, {"ACoS30Days", "null"}, {"AdSales30Days", "\"3.10\""}});
    EXPECT_EQ(sim.value("WIDGET-1", "AdSpend7Days"), "12.5");

    // Error answers still pass through: an expired token (401, renewed), 429 and 500 (retried).
    sim.control(R"({"expire_tokens": true, "fail_next": [{"operation": "companies", "status": 429, "retry_after": 0},
                                                        {"operation": "catalog", "status": 500}]})");
    EXPECT_EQ(client.companies().size(), 2u) << prism.log();
    EXPECT_EQ(client.catalog(bySku).size(), 1u) << prism.log();
    EXPECT_EQ(client.tokenRequests(), 2);
    EXPECT_TRUE(violations(prism).empty()) << prism.log();
}

TEST(Contract, PrismCatchesARequestThatBreaksTheSwagger) {
    if (!swaggerHere()) GTEST_SKIP() << settlebridge::testing::missingSpec("Sellercloud's Swagger (sellercloud/)");
    if (!prismAvailable()) GTEST_SKIP() << "Prism not installed: run tools/install-node-tools.sh";
    TempFolder folder;
    SellercloudSim sim;
    const PrismProxy prism(relaxedSwagger(folder), sim.url() + "/rest", folder.file("prism.log"), kPrismStart);
    // PUT /api/Products/CustomColumns without the required ProductID: Prism answers 422 before the simulator.
    const auto r = settlebridge::sctest::httpExchange(prism.port(), "PUT", "/api/Products/CustomColumns",
                                                      R"({"CustomColumns": [{"ColumnName": "AdSpend7Days"}]})");
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_EQ(sim.count("putCustomColumns"), 0);
    EXPECT_FALSE(violations(prism).empty());
}
