// The Sellercloud REST client and "Test connection" against the simulator: the token and its renewal on 401,
// 429/500 retries, the team lookup, and the verdicts for bad credentials, an unknown team and no network.

#include <gtest/gtest.h>

#include <Poco/Net/ServerSocket.h>

#include "daemon/net/clock.hpp"
#include "daemon/sellercloud/client.hpp"
#include "daemon/sellercloud/connection_check.hpp"
#include "daemon/sellercloud/errors.hpp"
#include "daemon/sellercloud/sink.hpp"
#include "tests/unit/sellercloud/sim.hpp"

using namespace settlebridge;
using namespace settlebridge::sellercloud;
using sctest::SellercloudSim;

namespace {

std::uint16_t closedPort() {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    const std::uint16_t port = socket.address().port();
    socket.close();
    return port;
}

}  // namespace

TEST(RestBase, NormalizesWhatUsersAndTheLookupWrite) {
    EXPECT_EQ(normalizeRestBase("https://tt.api.sellercloud.com"), "https://tt.api.sellercloud.com/rest/api/");
    EXPECT_EQ(normalizeRestBase("https://tt.api.sellercloud.com/rest/"), "https://tt.api.sellercloud.com/rest/api/");
    EXPECT_EQ(normalizeRestBase("tt.api.sellercloud.com/rest/api"), "https://tt.api.sellercloud.com/rest/api/");
    EXPECT_EQ(restBaseForServer("tt"), "https://tt.api.sellercloud.com/rest/api/");
    EXPECT_THROW(restBaseForServer("tt.evil.com/x"), SellercloudError);
    EXPECT_THROW(normalizeRestBase(""), SellercloudError);
}

TEST(Acos, PercentWithTwoDecimalsRoundedHalfUp) {
    EXPECT_EQ(acosPercent(1234, 5000).value(), "24.68");
    EXPECT_EQ(acosPercent(1, 3).value(), "33.33");
    EXPECT_EQ(acosPercent(2, 3).value(), "66.67");
    EXPECT_EQ(acosPercent(0, 100).value(), "0.00");
    EXPECT_FALSE(acosPercent(500, 0).has_value());
    EXPECT_EQ(centsJson(1250), "12.50");
    EXPECT_EQ(centsJson(-5), "-0.05");
}

TEST(Client, TokenIsCachedAndRenewedOnceWhenACallGets401) {
    SellercloudSim sim;
    Client client(sctest::clientConfig(sim));
    EXPECT_EQ(client.companies().size(), 2u);
    EXPECT_EQ(client.companyCount(), 2);
    EXPECT_EQ(client.tokenRequests(), 1);  // cached across calls

    sim.control(R"({"expire_tokens": true})");
    EXPECT_EQ(client.companies().size(), 2u);  // 401, a new token, the call again
    EXPECT_EQ(client.tokenRequests(), 2);
    EXPECT_EQ(sim.count("token"), 2);
    EXPECT_EQ(sim.count("companies"), 4);

    // A token Sellercloud keeps refusing: one renewal, then a typed error (no loop).
    sim.control(R"({"fail_next": [{"operation": "companies", "status": 401}, {"operation": "companies", "status": 401}]})");
    try {
        client.companies();
        FAIL() << "no error";
    } catch (const SellercloudError& e) {
        EXPECT_EQ(e.kind(), SellercloudError::Kind::Unauthorized) << e.what();
        EXPECT_EQ(e.httpStatus(), 401);
    }
    EXPECT_EQ(client.tokenRequests(), 3);
}

TEST(Client, TokenExpiresInIsHonoured) {
    SellercloudSim sim({"--token-seconds", "60"});
    net::ManualClock clock;
    Client client(sctest::clientConfig(sim), clock);
    client.companyCount();
    clock.advance(std::chrono::seconds(50));
    client.companyCount();
    EXPECT_EQ(client.tokenRequests(), 1);
    clock.advance(std::chrono::seconds(5));  // within the margin (a tenth of the lifetime) before expiry
    client.companyCount();
    EXPECT_EQ(client.tokenRequests(), 2);
}

TEST(Client, RetriesThrottlingAndServerErrorsWithBackoff) {
    SellercloudSim sim;
    net::ManualClock clock;
    Client client(sctest::clientConfig(sim), clock);
    sim.control(R"({"fail_next": [{"operation": "companies", "status": 429, "retry_after": 2},
                                  {"operation": "companies", "status": 500},
                                  {"operation": "companies", "status": 503}]})");
    EXPECT_EQ(client.companies().size(), 2u);
    EXPECT_EQ(sim.count("companies"), 4);
    const auto sleeps = clock.sleeps();
    ASSERT_EQ(sleeps.size(), 3u);
    EXPECT_GE(sleeps[0], std::chrono::milliseconds(2000));  // Retry-After honoured

    // 429 without Retry-After: the documented body's RateLimitResetTime is the wait.
    sim.control(R"({"fail_next": [{"operation": "catalog", "status": 429,
                                   "body": {"Error": "Too many requests.", "RateLimitResetTime": "2000-01-01T00:00:00Z"}}]})");
    CatalogQuery q;
    q.sku = "WIDGET-1";
    EXPECT_EQ(client.catalog(q).size(), 1u);

    // Persistent 500: a typed error after the attempts, with Sellercloud's text kept.
    sim.control(R"({"fail_next": [{"operation": "companies", "status": 500}, {"operation": "companies", "status": 500},
                                  {"operation": "companies", "status": 500}, {"operation": "companies", "status": 500}]})");
    try {
        client.companies();
        FAIL() << "no error";
    } catch (const SellercloudError& e) {
        EXPECT_EQ(e.kind(), SellercloudError::Kind::Unavailable);
        EXPECT_EQ(e.httpStatus(), 500);
        EXPECT_NE(std::string(e.what()).find("tried 4 times"), std::string::npos) << e.what();
    }
}

TEST(Client, ProductsAndCustomColumns) {
    SellercloudSim sim;
    Client client(sctest::clientConfig(sim));
    CatalogQuery q;
    q.upc = "012345678905";
    q.companyId = 1;
    const auto found = client.catalog(q);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].id, "WIDGET-1");
    EXPECT_EQ(found[0].asin, "B000WIDGET");
    EXPECT_EQ(found[0].averageCost.value(), 425);  // 4.25 read exactly
    q.companyId = 2;
    EXPECT_TRUE(client.catalog(q).empty());

    client.updateCustomColumns("WIDGET-1", {{"AdSpend7Days", "12.50"}, {"ACoS30Days", "null"}});
    EXPECT_EQ(sim.value("WIDGET-1", "AdSpend7Days"), "12.5");
    EXPECT_EQ(sim.value("WIDGET-1", "ACoS30Days"), "<null>");
    try {
        client.updateCustomColumns("NO-SUCH", {{"AdSpend7Days", "1.00"}});
        FAIL() << "no error";
    } catch (const SellercloudError& e) {
        EXPECT_EQ(e.kind(), SellercloudError::Kind::NotFound);
        EXPECT_FALSE(e.stopsTheSend());
    }
    try {
        client.updateCustomColumns("WIDGET-1", {{"NotAColumn", "1.00"}});
        FAIL() << "no error";
    } catch (const SellercloudError& e) {
        EXPECT_EQ(e.kind(), SellercloudError::Kind::Rejected);
        EXPECT_NE(e.detail().find("NotAColumn"), std::string::npos) << e.detail();
    }
}

TEST(ConnectionCheck, TeamLookupThenTokenThenCompanies) {
    SellercloudSim sim;
    Endpoint endpoint;
    endpoint.teamName = "acme";
    endpoint.teamLookupUrl = sim.lookupUrl();
    const TeamServer team = resolveTeam("acme", sim.lookupUrl(), sctest::fastTransport());
    EXPECT_EQ(team.serverId, "acme");
    EXPECT_EQ(team.restBase, sim.restBase());

    const ConnectionCheck ok = testConnection(endpoint, sctest::kUser, sctest::kPassword, sctest::fastTransport());
    EXPECT_EQ(ok.verdict, Verdict::Ok) << ok.message;
    EXPECT_EQ(ok.companies, 2);
    EXPECT_EQ(ok.restBase, sim.restBase());
    EXPECT_EQ(verdictName(ok.verdict), "ok");
}

TEST(ConnectionCheck, ClearVerdicts) {
    SellercloudSim sim;
    Endpoint endpoint;
    endpoint.teamName = "acme";
    endpoint.teamLookupUrl = sim.lookupUrl();

    const ConnectionCheck bad = testConnection(endpoint, sctest::kUser, "wrong", sctest::fastTransport());
    EXPECT_EQ(bad.verdict, Verdict::BadCredentials) << bad.message;
    EXPECT_NE(bad.message.find("user name or password"), std::string::npos) << bad.message;
    EXPECT_EQ(bad.message.find("wrong"), std::string::npos) << "the password must not be in the message";

    endpoint.teamName = "no-such-team";
    const ConnectionCheck team = testConnection(endpoint, sctest::kUser, sctest::kPassword, sctest::fastTransport());
    EXPECT_EQ(team.verdict, Verdict::UnknownTeam) << team.message;
    EXPECT_EQ(verdictName(team.verdict), "unknown_team");

    Endpoint offline;
    offline.baseUrl = "http://127.0.0.1:" + std::to_string(closedPort()) + "/rest/api/";
    const ConnectionCheck network = testConnection(offline, sctest::kUser, sctest::kPassword, sctest::fastTransport());
    EXPECT_EQ(network.verdict, Verdict::NoNetwork) << network.message;

    Endpoint wrongPath;
    wrongPath.baseUrl = sim.url() + "/nothing/here";
    const ConnectionCheck server = testConnection(wrongPath, sctest::kUser, sctest::kPassword, sctest::fastTransport());
    EXPECT_EQ(server.verdict, Verdict::UnknownServer) << server.message;

    sim.control(R"({"fail_next": [{"operation": "token", "status": 500}, {"operation": "token", "status": 500},
                                  {"operation": "token", "status": 500}, {"operation": "token", "status": 500}]})");
    endpoint.teamName = "acme";
    const ConnectionCheck down = testConnection(endpoint, sctest::kUser, sctest::kPassword, sctest::fastTransport());
    EXPECT_EQ(down.verdict, Verdict::Unavailable) << down.message;
}
