// Login with Amazon against the simulator: both grants, the token cache, typed errors, "Connect with Amazon".

#include <gtest/gtest.h>

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <regex>
#include <string>

#include "daemon/amazon/consent.hpp"
#include "daemon/amazon/errors.hpp"
#include "daemon/amazon/lwa.hpp"
#include "daemon/amazon/region.hpp"
#include "tests/unit/amazon/sim_process.hpp"

using namespace std::chrono_literals;
using namespace settlebridge::amazon;
namespace net = settlebridge::net;
using settlebridge::testing::AmazonSim;
using settlebridge::testing::authorizeInBrowser;
using settlebridge::testing::kSimApplicationId;
using settlebridge::testing::kSimRefreshToken;
using settlebridge::testing::lwaConfig;

namespace {

/// A loopback port nothing listens on.
std::uint16_t closedPort() {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    const std::uint16_t port = socket.address().port();
    socket.close();
    return port;
}

template <class F>
LwaError lwaFailure(F&& f) {
    try {
        f();
    } catch (const LwaError& e) {
        return e;
    }
    ADD_FAILURE() << "no LwaError";
    return LwaError(LwaError::Kind::Unexpected, 0, "", "", "none");
}

}  // namespace

TEST(Lwa, RefreshGrantGivesAnAccessToken) {
    AmazonSim sim({});
    net::ManualClock clock(std::chrono::system_clock::now());
    LwaClient lwa(lwaConfig(sim), clock);
    const TokenGrant grant = lwa.refresh(kSimRefreshToken);
    EXPECT_EQ(grant.accessToken.rfind("Atza|", 0), 0u);
    EXPECT_EQ(grant.tokenType, "bearer");
    EXPECT_EQ(grant.expiresIn, 3600s);
    EXPECT_EQ(grant.refreshToken, kSimRefreshToken);
    const auto requests = sim.requests("token");
    ASSERT_EQ(requests.size(), 1u);
    const auto headers = requests[0]->getObject("headers");
    EXPECT_EQ(headers->getValue<std::string>("content-type"), "application/x-www-form-urlencoded;charset=UTF-8");
    EXPECT_EQ(headers->getValue<std::string>("user-agent"), defaultUserAgent());
    EXPECT_EQ(requests[0]->getValue<std::string>("method"), "POST");
}

TEST(Lwa, AccessTokenIsCachedUntilShortlyBeforeExpiry) {
    AmazonSim sim({});
    net::ManualClock clock(std::chrono::system_clock::now());
    LwaClient lwa(lwaConfig(sim), clock);
    AccessTokenProvider tokens(lwa, kSimRefreshToken, 300s);
    const std::string first = tokens.accessToken();
    EXPECT_EQ(tokens.accessToken(), first);
    clock.advance(3299s);  // expires_in 3600, refreshed 300 s early
    EXPECT_EQ(tokens.accessToken(), first);
    EXPECT_EQ(sim.count("token"), 1);
    clock.advance(2s);
    const std::string second = tokens.accessToken();
    EXPECT_NE(second, first);
    EXPECT_EQ(sim.count("token"), 2);
    EXPECT_EQ(tokens.refreshCount(), 2);
    // invalidate() drops only the token it names.
    tokens.invalidate(first);
    EXPECT_EQ(tokens.accessToken(), second);
    tokens.invalidate(second);
    EXPECT_NE(tokens.accessToken(), second);
    EXPECT_EQ(sim.count("token"), 3);
    EXPECT_FALSE(tokens.rotatedRefreshToken().has_value());
}

TEST(Lwa, ShortLivedTokensAreRefreshedBeforeHalfTheirLife) {
    AmazonSim sim({"--token-lifetime", "60"});
    net::ManualClock clock(std::chrono::system_clock::now());
    LwaClient lwa(lwaConfig(sim), clock);
    AccessTokenProvider tokens(lwa, kSimRefreshToken, 300s);  // margin larger than the lifetime
    const std::string first = tokens.accessToken();
    clock.advance(29s);
    EXPECT_EQ(tokens.accessToken(), first);
    clock.advance(2s);
    EXPECT_NE(tokens.accessToken(), first);
}

TEST(Lwa, BadClientIsInvalidClient) {
    AmazonSim sim({});
    LwaConfig config = lwaConfig(sim);
    config.clientSecret = "wrong-secret";
    LwaClient lwa(config);
    const LwaError e = lwaFailure([&] { lwa.refresh(kSimRefreshToken); });
    EXPECT_EQ(e.kind(), LwaError::Kind::InvalidClient);
    EXPECT_EQ(e.httpStatus(), 401);
    EXPECT_EQ(e.code(), "invalid_client");
    EXPECT_EQ(e.description(), "Client authentication failed");
    EXPECT_NE(std::string(e.what()).find("client id or client secret"), std::string::npos) << e.what();
    EXPECT_EQ(sim.count("token"), 1);  // not retried
}

TEST(Lwa, RevokedRefreshTokenIsInvalidGrant) {
    AmazonSim sim({});
    LwaClient lwa(lwaConfig(sim));
    sim.control(R"({"revoke_refresh_token": true})");
    const LwaError e = lwaFailure([&] { lwa.refresh(kSimRefreshToken); });
    EXPECT_EQ(e.kind(), LwaError::Kind::InvalidGrant);
    EXPECT_EQ(e.httpStatus(), 400);
    EXPECT_EQ(e.code(), "invalid_grant");
    EXPECT_NE(std::string(e.what()).find("reconnect"), std::string::npos) << e.what();
    EXPECT_EQ(lwaFailure([&] { lwa.refresh(""); }).kind(), LwaError::Kind::InvalidGrant);
}

TEST(Lwa, ServerErrorsAreRetriedWithBackoffAndRetryAfter) {
    AmazonSim sim({});
    net::ManualClock clock(std::chrono::system_clock::now());
    LwaClient lwa(lwaConfig(sim), clock);
    sim.control(R"({"fail_next": [{"operation": "token", "status": 500},
                                  {"operation": "token", "status": 429, "retry_after": 2}]})");
    EXPECT_FALSE(lwa.refresh(kSimRefreshToken).accessToken.empty());
    EXPECT_EQ(sim.count("token"), 3);
    const auto sleeps = clock.sleeps();
    ASSERT_EQ(sleeps.size(), 2u);
    EXPECT_GE(sleeps[1], 2000ms);  // Retry-After honoured

    sim.control(R"({"fail_next": [{"operation": "token", "status": 503, "count": 10}]})");
    const LwaError e = lwaFailure([&] { lwa.refresh(kSimRefreshToken); });
    EXPECT_EQ(e.kind(), LwaError::Kind::Unavailable);
    EXPECT_EQ(sim.count("token"), 3 + 5);  // five tries in all
}

TEST(Lwa, ConnectionRefusedIsANetworkError) {
    LwaConfig config;
    config.tokenUrl = "http://127.0.0.1:" + std::to_string(closedPort()) + "/auth/o2/token";
    config.clientId = "id";
    config.clientSecret = "secret";
    config.retry = settlebridge::testing::fastRetry();
    LwaClient lwa(config);
    try {
        lwa.refresh("Atzr|x");
        FAIL() << "no error";
    } catch (const NetworkError& e) {
        EXPECT_EQ(e.kind(), NetworkError::Kind::Refused);
        EXPECT_NE(std::string(e.what()).find("could not connect"), std::string::npos) << e.what();
    }
}

TEST(Lwa, PlainHttpOnlyToLoopback) {
    LwaConfig config;
    config.tokenUrl = "http://api.amazon.com/auth/o2/token";
    config.clientId = "id";
    config.clientSecret = "secret";
    LwaClient lwa(config);
    EXPECT_THROW(lwa.refresh("Atzr|x"), ConfigError);
    config.tokenUrl = "ftp://api.amazon.com/x";
    EXPECT_THROW(LwaClient(config).refresh("Atzr|x"), ConfigError);
    config.tokenUrl = std::string(kLwaTokenUrl);
    config.clientSecret.clear();
    EXPECT_THROW(LwaClient(config).refresh("Atzr|x"), ConfigError);  // nothing sent without credentials
}

TEST(ConnectWithAmazon, ConsentCodeExchangeAndRefresh) {
    AmazonSim sim({"--refresh-token", "none", "--redirect-uri", "https://settlebridge.example/amazon/callback"});
    LwaClient lwa(lwaConfig(sim));
    ConsentConfig consent;
    consent.sellerCentralUrl = sim.url();
    consent.applicationId = kSimApplicationId;
    consent.redirectUri = "https://settlebridge.example/amazon/callback";
    const ConnectWithAmazon connect(consent, lwa, std::string(32, 'k'));

    const ConsentStart start = connect.begin("connection:42");
    EXPECT_EQ(start.url.rfind(sim.url() + "/apps/authorize/consent?application_id=amzn1.sp.solution.settlebridge-sim&state=", 0), 0u)
        << start.url;
    EXPECT_NE(start.url.find("&redirect_uri=https%3A%2F%2Fsettlebridge.example%2Famazon%2Fcallback"), std::string::npos);
    EXPECT_EQ(start.url.find("version=beta"), std::string::npos);
    EXPECT_NE(connect.begin("connection:42").state, start.state);  // a fresh random state each time

    const std::string callback = authorizeInBrowser(sim, start.url);
    ASSERT_EQ(callback.rfind("https://settlebridge.example/amazon/callback?spapi_oauth_code=", 0), 0u) << callback;
    const ConsentCallback parsed = parseConsentCallback(callback);
    EXPECT_EQ(parsed.state, start.state);
    EXPECT_EQ(parsed.sellingPartnerId, "A1SIMSELLER0001");

    const ConsentResult result = connect.complete(callback);
    EXPECT_EQ(result.context, "connection:42");
    EXPECT_EQ(result.sellingPartnerId, "A1SIMSELLER0001");
    EXPECT_EQ(result.tokens.refreshToken.rfind("Atzr|", 0), 0u);
    EXPECT_FALSE(result.tokens.accessToken.empty());
    // The new refresh token works.
    EXPECT_FALSE(lwa.refresh(result.tokens.refreshToken).accessToken.empty());
    // A code is single-use.
    const LwaError reused = lwaFailure([&] { connect.complete(callback); });
    EXPECT_EQ(reused.kind(), LwaError::Kind::InvalidGrant);
    EXPECT_NE(std::string(reused.what()).find("already used or has expired"), std::string::npos) << reused.what();
}

TEST(ConnectWithAmazon, ForgedOrExpiredStateIsRefusedBeforeAnyExchange) {
    AmazonSim sim({});
    net::ManualClock clock(std::chrono::system_clock::now());
    LwaClient lwa(lwaConfig(sim), clock);
    ConsentConfig consent;
    consent.sellerCentralUrl = sim.url();
    consent.applicationId = kSimApplicationId;
    consent.redirectUri = "https://settlebridge.example/cb";
    const ConnectWithAmazon connect(consent, lwa, std::string(32, 'k'), clock);
    const ConnectWithAmazon other(consent, lwa, std::string(32, 'j'), clock);

    const std::string callback = authorizeInBrowser(sim, connect.begin("c1").url);
    ASSERT_FALSE(callback.empty());
    // Another installation (another key) did not start this consent.
    EXPECT_THROW(other.complete(callback), ConsentError);
    // A state with one character changed.
    const ConsentCallback parsed = parseConsentCallback(callback);
    std::string forged = parsed.state;
    forged[3] = forged[3] == 'A' ? 'B' : 'A';
    EXPECT_THROW(connect.complete("?spapi_oauth_code=" + parsed.code + "&state=" + forged), ConsentError);
    EXPECT_THROW(connect.complete("?spapi_oauth_code=" + parsed.code + "&state=garbage"), ConsentError);
    // Too late: the state expired (30 minutes by default).
    clock.advance(31min);
    try {
        connect.complete(callback);
        FAIL() << "an expired state was accepted";
    } catch (const ConsentError& e) {
        EXPECT_NE(std::string(e.what()).find("expired"), std::string::npos) << e.what();
    }
    EXPECT_EQ(sim.count("token"), 0);  // the code was never sent to LWA
    // Missing parameters and Amazon's own error answer.
    EXPECT_THROW(parseConsentCallback("?state=abc"), ConsentError);
    EXPECT_THROW(parseConsentCallback("?spapi_oauth_code=abc"), ConsentError);
    EXPECT_THROW(parseConsentCallback("https://x/cb?error=access_denied&state=abc"), ConsentError);
}

TEST(ConnectWithAmazon, DraftAppsNeedVersionBetaAndRegisteredRedirects) {
    AmazonSim sim({"--draft-app", "--redirect-uri", "https://settlebridge.example/cb"});
    ConsentConfig consent;
    consent.sellerCentralUrl = sim.url();
    consent.applicationId = kSimApplicationId;
    consent.redirectUri = "https://settlebridge.example/cb";
    const std::string withoutBeta = consentUrl(consent, "s1");
    auto page = settlebridge::testing::httpExchange(sim.port(), "GET", withoutBeta.substr(sim.url().size()));
    EXPECT_EQ(page.status, 400);
    EXPECT_NE(page.body.find("MD1000"), std::string::npos);

    consent.draftApp = true;
    const std::string withBeta = consentUrl(consent, "s1");
    EXPECT_NE(withBeta.find("&version=beta"), std::string::npos);
    page = settlebridge::testing::httpExchange(sim.port(), "GET", withBeta.substr(sim.url().size()));
    EXPECT_EQ(page.status, 200);

    consent.redirectUri = "https://elsewhere.example/cb";
    page = settlebridge::testing::httpExchange(sim.port(), "GET", consentUrl(consent, "s1").substr(sim.url().size()));
    EXPECT_EQ(page.status, 400);
    EXPECT_NE(page.body.find("MD5101"), std::string::npos);
}

TEST(Region, EndpointsAndMarketplaces) {
    EXPECT_EQ(spApiEndpoint(Region::NA), "https://sellingpartnerapi-na.amazon.com");
    EXPECT_EQ(spApiEndpoint(Region::EU), "https://sellingpartnerapi-eu.amazon.com");
    EXPECT_EQ(spApiEndpoint(Region::FE), "https://sellingpartnerapi-fe.amazon.com");
    EXPECT_EQ(sellerCentralUrl(Region::EU), "https://sellercentral-europe.amazon.com");
    EXPECT_EQ(regionOfMarketplace("ATVPDKIKX0DER"), Region::NA);
    EXPECT_EQ(regionOfMarketplace("A1PA6795UKMFR9"), Region::EU);
    EXPECT_EQ(regionOfMarketplace("A1VC38T7YXB528"), Region::FE);
    EXPECT_FALSE(regionOfMarketplace("NOPE").has_value());
    EXPECT_EQ(parseRegion("eu"), Region::EU);
    EXPECT_EQ(parseRegion("FE"), Region::FE);
    EXPECT_FALSE(parseRegion("XX").has_value());
    EXPECT_EQ(regionName(Region::NA), "NA");
    const std::string agent = defaultUserAgent();
    EXPECT_TRUE(std::regex_match(agent, std::regex(R"(Settlebridge/\d+\.\d+\.\d+ \(Language=C\+\+; Platform=\w+\))")))
        << agent;
}
