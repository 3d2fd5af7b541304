// "Test connection": one verdict per failure a seller can meet.

#include <gtest/gtest.h>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include "daemon/amazon/connection_check.hpp"
#include "tests/unit/amazon/sim_process.hpp"

using namespace settlebridge::amazon;
using settlebridge::testing::AmazonSim;
using settlebridge::testing::kSimRefreshToken;
using settlebridge::testing::lwaConfig;
using settlebridge::testing::spApiConfig;
using settlebridge::testing::TempFolder;

namespace {

std::uint16_t closedPort() {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    const std::uint16_t port = socket.address().port();
    socket.close();
    return port;
}

/// A simulator serving one settlement report.
struct Fixture {
    Fixture() : sim(arguments(folder)) {}
    static std::vector<std::string> arguments(const TempFolder& f) {
        settlebridge::testing::writeBytes(f.file("a.txt"), settlebridge::testing::v2Settlement("70000000001", "A"));
        return {"--reports-dir", f.path().string(), "--rate", "getReports=1000:100"};
    }
    TempFolder folder;
    AmazonSim sim;
};

}  // namespace

TEST(ConnectionCheck, Ok) {
    Fixture f;
    const ConnectionCheck check = testConnection(LwaClient(lwaConfig(f.sim)), kSimRefreshToken, spApiConfig(f.sim));
    EXPECT_EQ(check.verdict, ConnectionVerdict::Ok) << check.message;
    EXPECT_EQ(verdictName(check.verdict), "ok");
    EXPECT_EQ(check.reportsSeen, 1);
    EXPECT_NE(check.message.find("NA region"), std::string::npos) << check.message;
    // One refresh and one cheap call: getReports with pageSize=1.
    EXPECT_EQ(f.sim.count("token"), 1);
    const auto calls = f.sim.requests("getReports");
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_NE(calls[0]->getValue<std::string>("query").find("pageSize=1"), std::string::npos);
    EXPECT_EQ(calls[0]->getValue<std::string>("query").find("pageSize=10"), std::string::npos);
}

TEST(ConnectionCheck, BadClient) {
    Fixture f;
    LwaConfig config = lwaConfig(f.sim);
    config.clientId = "amzn1.application-oa2-client.someone-else";
    const ConnectionCheck check = testConnection(LwaClient(config), kSimRefreshToken, spApiConfig(f.sim));
    EXPECT_EQ(check.verdict, ConnectionVerdict::BadClient);
    EXPECT_EQ(verdictName(check.verdict), "bad_client");
    EXPECT_NE(check.message.find("client id or client secret"), std::string::npos) << check.message;
    EXPECT_EQ(f.sim.count("getReports"), 0);
}

TEST(ConnectionCheck, RevokedToken) {
    Fixture f;
    f.sim.control(R"({"revoke_refresh_token": true})");
    const ConnectionCheck check = testConnection(LwaClient(lwaConfig(f.sim)), kSimRefreshToken, spApiConfig(f.sim));
    EXPECT_EQ(check.verdict, ConnectionVerdict::RevokedToken);
    EXPECT_NE(check.message.find("reconnect"), std::string::npos) << check.message;
    EXPECT_NE(check.detail.find("invalid_grant"), std::string::npos) << check.detail;
}

TEST(ConnectionCheck, WrongRegion) {
    Fixture f;  // the seller is in NA
    SpApiConfig config = spApiConfig(f.sim);
    config.region = Region::EU;
    config.endpoint = f.sim.url() + "/_region/EU";  // the EU endpoint
    const ConnectionCheck check = testConnection(LwaClient(lwaConfig(f.sim)), kSimRefreshToken, config);
    EXPECT_EQ(check.verdict, ConnectionVerdict::WrongRegion) << check.message;
    EXPECT_NE(check.message.find("EU region"), std::string::npos) << check.message;
    EXPECT_NE(check.detail.find("Unauthorized"), std::string::npos) << check.detail;

    config.region = Region::NA;
    config.endpoint = f.sim.url() + "/_region/NA";
    EXPECT_EQ(testConnection(LwaClient(lwaConfig(f.sim)), kSimRefreshToken, config).verdict, ConnectionVerdict::Ok);
}

TEST(ConnectionCheck, NoNetwork) {
    const std::string dead = "http://127.0.0.1:" + std::to_string(closedPort());
    LwaConfig lwa;
    lwa.tokenUrl = dead + "/auth/o2/token";
    lwa.clientId = "id";
    lwa.clientSecret = "secret";
    SpApiConfig spApi;
    spApi.endpoint = dead;
    const ConnectionCheck check = testConnection(LwaClient(lwa), "Atzr|x", spApi);
    EXPECT_EQ(check.verdict, ConnectionVerdict::NoNetwork);
    EXPECT_EQ(verdictName(check.verdict), "no_network");
    EXPECT_NE(check.message.find("internet connection"), std::string::npos) << check.message;

    // LWA reachable, SP-API not.
    Fixture f;
    EXPECT_EQ(testConnection(LwaClient(lwaConfig(f.sim)), kSimRefreshToken, spApi).verdict, ConnectionVerdict::NoNetwork);
}

TEST(ConnectionCheck, AmazonUnavailableAndThrottled) {
    Fixture f;
    SpApiConfig config = spApiConfig(f.sim);
    config.retry = settlebridge::testing::fastRetry(2);
    f.sim.control(R"({"fail_next": [{"operation": "getReports", "status": 503, "count": 2}]})");
    ConnectionCheck check = testConnection(LwaClient(lwaConfig(f.sim)), kSimRefreshToken, config);
    EXPECT_EQ(check.verdict, ConnectionVerdict::AmazonUnavailable) << check.message;

    f.sim.control(R"({"fail_next": [{"operation": "getReports", "status": 429, "count": 2}]})");
    check = testConnection(LwaClient(lwaConfig(f.sim)), kSimRefreshToken, config);
    EXPECT_EQ(check.verdict, ConnectionVerdict::Ok) << check.message;  // throttled means authorized

    f.sim.control(R"({"fail_next": [{"operation": "token", "status": 500, "count": 5}]})");
    check = testConnection(LwaClient(lwaConfig(f.sim)), kSimRefreshToken, config);
    EXPECT_EQ(check.verdict, ConnectionVerdict::AmazonUnavailable) << check.message;
}
