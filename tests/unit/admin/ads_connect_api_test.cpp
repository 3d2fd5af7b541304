// "Add account" for Amazon Ads and Walmart Connect through the admin API, against the real ads simulator
// (tools/ads_sim): the Ads app entered once (validated, the secret never sent back), the consent URL (and that the
// daemon's callback can complete what it started), a pasted refresh token, a Walmart Connect advertiser, the
// validation messages and CSRF on every change.
#include <gtest/gtest.h>

#include <cstdlib>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <Poco/URI.h>

#include "daemon/ads/app_config.hpp"
#include "daemon/ads/connect.hpp"
#include "daemon/store/ads_accounts.hpp"
#include "daemon/store/secrets.hpp"
#include "tests/unit/admin/admin_harness.hpp"
#include "tests/unit/ads/ads_sim_process.hpp"

using settlebridge::testing::AdminHarness;
using settlebridge::testing::Reply;
namespace store = settlebridge::store;
namespace ads = settlebridge::ads;
namespace t = settlebridge::testing;

namespace {

/// Sets environment variables for one test and restores what was there.
class EnvGuard {
public:
    void set(const std::string& name, const std::string& value) {
        if (saved_.count(name) == 0) {
            const char* old = std::getenv(name.c_str());
            saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
        }
        ::setenv(name.c_str(), value.c_str(), 1);
    }
    void unset(const std::string& name) {
        if (saved_.count(name) == 0) {
            const char* old = std::getenv(name.c_str());
            saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
        }
        ::unsetenv(name.c_str());
    }
    ~EnvGuard() {
        for (const auto& [name, value] : saved_) {
            if (value) {
                ::setenv(name.c_str(), value->c_str(), 1);
            } else {
                ::unsetenv(name.c_str());
            }
        }
    }

private:
    std::map<std::string, std::optional<std::string>> saved_;
};

void noAdsEnvironment(EnvGuard& env) {
    for (const char* n : {"SETTLEBRIDGE_ADS_CLIENT_ID", "SETTLEBRIDGE_ADS_CLIENT_SECRET", "SETTLEBRIDGE_ADS_AUTHORIZE_URL",
                          "SETTLEBRIDGE_ADS_TOKEN_URL", "SETTLEBRIDGE_ADS_API_URL"}) {
        env.unset(n);
    }
}

bool hasErrorFor(const Reply& r, const std::string& field) {
    const auto errors = r.json()->getArray("errors");
    for (std::size_t i = 0; i < errors->size(); ++i) {
        if (errors->getObject(static_cast<unsigned>(i))->getValue<std::string>("field") == field) return true;
    }
    return false;
}

std::string query(const std::string& url, const std::string& name) {
    for (const auto& [k, v] : Poco::URI(url).getQueryParameters()) {
        if (k == name) return v;
    }
    return {};
}

std::string rsaKeyPem() {
    EVP_PKEY* key = EVP_RSA_gen(2048);
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(size));
    BIO_free(bio);
    EVP_PKEY_free(key);
    return pem;
}

/// A JSON string literal (quotes and newlines escaped) for building request bodies.
std::string jsonText(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '\n') {
            out += "\\n";
        } else if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

}  // namespace

TEST(AdsConnectApi, TheAdsAppIsEnteredOnceValidatedAndItsSecretNeverSentBack) {
    EnvGuard env;
    noAdsEnvironment(env);
    AdminHarness h;
    h.setup();
    auto r = h.get("/api/connect/ads-app");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(r.json()->getValue<bool>("configured"));
    const std::string callback = "http://127.0.0.1:" + std::to_string(h.port) + "/oauth/amazon-ads/callback";
    EXPECT_EQ(r.json()->getValue<std::string>("default_redirect_uri"), callback);

    r = h.post("/api/connect/amazon-ads", R"({"region":"NA"})");
    EXPECT_EQ(r.status, 409);
    EXPECT_NE(r.error().find("Amazon Ads app is not configured"), std::string::npos) << r.body;

    r = h.put("/api/connect/ads-app", R"({"client_id":"abc","client_secret":"short","redirect_uri":"http://example.com/oauth/amazon-ads/callback"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_TRUE(hasErrorFor(r, "client_id")) << r.body;
    EXPECT_TRUE(hasErrorFor(r, "client_secret")) << r.body;
    EXPECT_TRUE(hasErrorFor(r, "redirect_uri")) << r.body;
    r = h.put("/api/connect/ads-app", R"({"client_id":"amzn1.application-oa2-client.abc"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.json()->getValue<std::string>("field"), "client_secret") << "needed the first time";
    r = h.put("/api/connect/ads-app", R"({"client_id":"amzn1.application-oa2-client.abc","client_secret":"0123456789abcdef0123","redirect_uri":"https://sb.example.com/elsewhere"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.error().find("/oauth/amazon-ads/callback"), std::string::npos) << r.body;
    EXPECT_FALSE(h.get("/api/connect/ads-app").json()->getValue<bool>("configured")) << "nothing saved";
    EXPECT_EQ(h.request("PUT", "/api/connect/ads-app", R"({"client_id":"amzn1.application-oa2-client.abc","client_secret":"0123456789abcdef0123"})", {}, false).status,
              403);

    const std::string secret = "amzn1.oa2-cs.v1.0123456789abcdef";
    r = h.put("/api/connect/ads-app", R"({"client_id":"amzn1.application-oa2-client.abc","client_secret":")" + secret + "\"}");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.json()->getValue<bool>("configured"));
    EXPECT_TRUE(r.json()->getValue<bool>("has_secret"));
    EXPECT_EQ(r.body.find(secret), std::string::npos) << "the secret is never sent back";
    EXPECT_EQ(h.get("/api/connect/ads-app").body.find(secret), std::string::npos);
    const auto box = store::SecretBox::openKeyFile(h.dir.file("secrets.key"));
    EXPECT_EQ(ads::loadAdsApp(*h.store, box).clientSecret, secret) << "stored sealed, opened by the daemon";

    // Consent: Amazon's page for the region, this server's callback, a signed state.
    EXPECT_EQ(h.request("POST", "/api/connect/amazon-ads", R"({"region":"EU"})", {}, false).status, 403);
    r = h.post("/api/connect/amazon-ads", R"({"company_id":)" + std::to_string(h.company.id) + R"(,"name":"EU ads","region":"EU"})");
    ASSERT_EQ(r.status, 200) << r.body;
    std::string url = r.json()->getValue<std::string>("url");
    EXPECT_EQ(url.rfind("https://eu.account.amazon.com/ap/oa?", 0), 0U) << url;
    EXPECT_EQ(query(url, "client_id"), "amzn1.application-oa2-client.abc");
    EXPECT_EQ(query(url, "redirect_uri"), callback);
    EXPECT_EQ(query(url, "scope"), "advertising::campaign_management");
    EXPECT_FALSE(query(url, "state").empty());
    r = h.post("/api/connect/amazon-ads", R"({"region":"XX","company_id":999,"name":"\u0001"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_TRUE(hasErrorFor(r, "region")) << r.body;
    EXPECT_TRUE(hasErrorFor(r, "company_id")) << r.body;
    EXPECT_TRUE(hasErrorFor(r, "name")) << r.body;

    // A stored redirect URI wins over this server's address; an empty secret keeps the stored one.
    r = h.put("/api/connect/ads-app", R"({"client_id":"amzn1.application-oa2-client.abc","redirect_uri":"https://sb.example.com/oauth/amazon-ads/callback"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(ads::loadAdsApp(*h.store, box).clientSecret, secret);
    url = h.post("/api/connect/amazon-ads", R"({"region":"NA"})").json()->getValue<std::string>("url");
    EXPECT_EQ(url.rfind("https://www.amazon.com/ap/oa?", 0), 0U) << url;
    EXPECT_EQ(query(url, "redirect_uri"), "https://sb.example.com/oauth/amazon-ads/callback");
}

TEST(AdsConnectApi, ConsentThroughTheSimulatorAndAPastedRefreshTokenStoreTheAccount) {
    t::AdsSim sim;
    EnvGuard env;
    noAdsEnvironment(env);
    env.set("SETTLEBRIDGE_ADS_AUTHORIZE_URL", sim.url() + "/ap/oa");
    env.set("SETTLEBRIDGE_ADS_TOKEN_URL", sim.url() + "/auth/o2/token");
    env.set("SETTLEBRIDGE_ADS_API_URL", sim.url());
    AdminHarness h;
    h.setup();
    ASSERT_EQ(h.put("/api/connect/ads-app", std::string(R"({"client_id":")") + t::kAdsClientId +
                                                R"(","client_secret":")" + t::kAdsClientSecret + "\"}")
                  .status,
              200);

    // Step 1 through the page's API; the simulator's consent page sends the browser back with a code; the daemon's
    // callback (AdsConnect::complete with the stored app, as daemon.cpp does) stores the account.
    auto r = h.post("/api/connect/amazon-ads", R"({"company_id":)" + std::to_string(h.company.id) + R"(,"name":"Consented","region":"NA"})");
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string url = r.json()->getValue<std::string>("url");
    ASSERT_EQ(url.rfind(sim.url() + "/ap/oa?", 0), 0U) << url;
    const auto consent = t::httpExchange(sim.port(), "GET", url.substr(sim.url().size()));
    ASSERT_EQ(consent.status / 100, 3) << consent.body;
    ASSERT_NE(consent.location.find("/oauth/amazon-ads/callback?"), std::string::npos) << consent.location;
    const auto box = store::SecretBox::openKeyFile(h.dir.file("secrets.key"));
    ads::AdsConnectConfig config = ads::loadAdsApp(*h.store, box);
    config.redirectUri = query(url, "redirect_uri");
    const ads::ConnectedAccount consented = ads::AdsConnect(*h.store, box, config).complete(consent.location, h.now);
    EXPECT_EQ(consented.account.name, "Consented");
    EXPECT_EQ(consented.account.companyId, h.company.id);
    EXPECT_FALSE(consented.profiles.empty());

    // A pasted refresh token.
    r = h.post("/api/connect/amazon-ads/token", R"({"region":"NA","refresh_token":"not a token"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.json()->getValue<std::string>("field"), "refresh_token");
    sim.control(R"({"revoke_refresh_token":"Atzr|revoked"})");
    r = h.post("/api/connect/amazon-ads/token", R"({"region":"NA","refresh_token":"Atzr|revoked"})");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.error().find("Amazon refused this refresh token"), std::string::npos) << r.body;
    EXPECT_EQ(h.request("POST", "/api/connect/amazon-ads/token",
                        std::string(R"({"region":"NA","refresh_token":")") + t::kAdsRefreshToken + "\"}", {}, false)
                  .status,
              403);
    r = h.post("/api/connect/amazon-ads/token", R"({"company_id":)" + std::to_string(h.company.id) +
                                                    R"(,"name":"Pasted","region":"NA","refresh_token":")" +
                                                    t::kAdsRefreshToken + "\"}");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getObject("account")->getValue<std::string>("name"), "Pasted");
    EXPECT_GT(r.json()->getArray("profiles")->size(), 0U);
    const auto accounts = h.store->read([&](store::Tx& tx) { return store::AdsAccounts(tx.database()).list(); });
    ASSERT_EQ(accounts.size(), 2U);
    EXPECT_TRUE(accounts[1].hasCredentials);

    // The app's secret is wrong now: the refusal says where to look.
    ads::saveAdsApp(*h.store, box, "", "a-wrong-secret-0123456789", "", h.now);
    r = h.post("/api/connect/amazon-ads/token", std::string(R"({"region":"NA","refresh_token":")") + t::kAdsRefreshToken + "\"}");
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("field"), "client_id");
}

TEST(AdsConnectApi, WalmartConnectAdvertiserIsValidatedAndStoredSealed) {
    AdminHarness h;
    h.setup();
    auto r = h.post("/api/connect/walmart", "{}");
    EXPECT_EQ(r.status, 400);
    for (const char* f : {"advertiser_id", "auth_token", "consumer_id", "private_key"}) {
        EXPECT_TRUE(hasErrorFor(r, f)) << f << ": " << r.body;
    }
    r = h.post("/api/connect/walmart", R"({"advertiser_id":"abc","auth_token":"tok","consumer_id":"c","private_key":"not a key","currency":"usd","time_zone":"Mars/Olympus","key_version":"v1"})");
    EXPECT_EQ(r.status, 400);
    for (const char* f : {"advertiser_id", "private_key", "currency", "time_zone", "key_version"}) {
        EXPECT_TRUE(hasErrorFor(r, f)) << f << ": " << r.body;
    }
    const std::string key = rsaKeyPem();
    const std::string good = R"({"company_id":)" + std::to_string(h.company.id) +
                             R"(,"name":"Walmart US","advertiser_id":"5551","auth_token":")" + t::kWalmartToken +
                             R"(","consumer_id":")" + t::kWalmartConsumer + R"(","private_key":)" + jsonText(key) +
                             R"(,"time_zone":"America/Chicago"})";
    EXPECT_EQ(h.request("POST", "/api/connect/walmart", good, {}, false).status, 403);
    EXPECT_TRUE(h.store->read([&](store::Tx& tx) { return store::AdsAccounts(tx.database()).list(); }).empty());
    r = h.post("/api/connect/walmart", good);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body.find("PRIVATE KEY"), std::string::npos);
    EXPECT_EQ(r.body.find(t::kWalmartToken), std::string::npos);
    const auto profiles = r.json()->getArray("profiles");
    ASSERT_EQ(profiles->size(), 1U);
    EXPECT_EQ(profiles->getObject(0)->getValue<std::string>("profile_id"), "5551");
    const auto accounts = h.store->read([&](store::Tx& tx) { return store::AdsAccounts(tx.database()).list(); });
    ASSERT_EQ(accounts.size(), 1U);
    EXPECT_EQ(accounts[0].channel, store::AdsChannel::WalmartConnect);
    EXPECT_TRUE(accounts[0].hasCredentials);
    EXPECT_EQ(accounts[0].companyId, h.company.id);
    const auto box = store::SecretBox::openKeyFile(h.dir.file("secrets.key"));
    const auto sealed = h.store->read([&](store::Tx& tx) { return store::AdsAccounts(tx.database()).credentials(accounts[0].id, box); });
    ASSERT_TRUE(sealed.has_value());
    EXPECT_EQ(ads::WalmartCredentials::fromJson(*sealed).consumerId, t::kWalmartConsumer);
    const auto stored = h.store->read([&](store::Tx& tx) { return store::AdsProfiles(tx.database()).list(accounts[0].id, true); });
    ASSERT_EQ(stored.size(), 1U);
    EXPECT_EQ(stored[0].info.timeZone, "America/Chicago");
    EXPECT_EQ(stored[0].info.currencyCode, "USD");
}
