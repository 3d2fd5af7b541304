// Login, sessions, CSRF and throttling of the admin page, over real HTTP.
#include <gtest/gtest.h>

#include "daemon/admin/auth.hpp"
#include "daemon/common/sign_in_refusals.hpp"
#include "tests/unit/admin/admin_harness.hpp"

using settlebridge::testing::AdminHarness;

TEST(AdminAuth, FirstRunCreatesTheAdminUserOnce) {
    AdminHarness h;
    auto r = h.get("/api/session");
    ASSERT_EQ(r.status, 200);
    EXPECT_TRUE(r.json()->getValue<bool>("setup_needed"));
    EXPECT_FALSE(r.json()->getValue<bool>("logged_in"));

    r = h.request("POST", "/api/setup", R"({"user":"admin","password":"short"})");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.json()->getValue<std::string>("field"), "password");
    EXPECT_NE(r.error().find("at least 10 characters"), std::string::npos);

    r = h.request("POST", "/api/setup", R"({"user":"admin","password":"correct horse battery"})");
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string cookie = r.headers.at("Set-Cookie");
    EXPECT_NE(cookie.find("sb_session="), std::string::npos);
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
    EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
    EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "plain http: no Secure attribute";
    h.keepSession(r);

    r = h.get("/api/session");
    EXPECT_TRUE(r.json()->getValue<bool>("logged_in"));
    EXPECT_EQ(r.json()->getValue<std::string>("user"), "admin");
    EXPECT_EQ(r.json()->getValue<std::string>("csrf_token"), h.csrf);

    r = h.request("POST", "/api/setup", R"({"user":"other","password":"correct horse battery"})");
    EXPECT_EQ(r.status, 409);
    // The database keeps the session's hash, never the token.
    const std::string token = h.cookie.substr(h.cookie.find('=') + 1);
    const bool stored = h.store->read([&](settlebridge::store::Tx& tx) {
        auto q = tx.database().query("SELECT count(*) FROM admin_sessions WHERE token_hash = ?1");
        q.bind(1, token);
        q.next();
        return q.getInt(0) > 0;
    });
    EXPECT_FALSE(stored);
}

TEST(AdminAuth, NoSessionIs401AndBadCsrfIs403) {
    AdminHarness h;
    h.setup();
    const std::string cookie = h.cookie;
    const std::string csrf = h.csrf;

    h.cookie.clear();
    h.csrf.clear();
    EXPECT_EQ(h.get("/api/home").status, 401);
    EXPECT_EQ(h.get(h.companyPath("/queue")).status, 401);
    EXPECT_EQ(h.post(h.companyPath("/mode"), R"({"mode":"live"})").status, 401);
    EXPECT_EQ(h.get(h.companyPath("/qwc")).status, 401);

    h.cookie = cookie;
    EXPECT_EQ(h.get("/api/home").status, 200);
    // A change without the token, or with another one, is refused and changes nothing.
    auto r = h.request("POST", h.companyPath("/mode"), R"({"mode":"live"})", {}, /*withCsrf=*/false);
    EXPECT_EQ(r.status, 403);
    r = h.request("POST", h.companyPath("/mode"), R"({"mode":"live"})", {{"X-CSRF-Token", std::string(64, 'a')}});
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(h.get(h.companyPath("/queue")).json()->getValue<std::string>("mode"), "testing");

    h.csrf = csrf;
    r = h.post(h.companyPath("/mode"), R"({"mode":"live"})");
    EXPECT_EQ(r.status, 200) << r.body;

    // Another site's page cannot make the browser act, even with the cookie.
    r = h.request("POST", h.companyPath("/mode"), R"({"mode":"testing"})", {{"Origin", "http://evil.example"}});
    EXPECT_EQ(r.status, 403);
    // Changes are JSON only (a cross-site HTML form cannot send JSON).
    r = h.request("POST", h.companyPath("/mode"), "mode=testing", {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(r.status, 415);

    r = h.post("/api/logout");
    EXPECT_EQ(r.status, 200);
    EXPECT_NE(r.headers.at("Set-Cookie").find("Max-Age=0"), std::string::npos);
    EXPECT_EQ(h.get("/api/home").status, 401) << "the session is gone on the server too";
}

TEST(AdminAuth, WrongPasswordAndThrottling) {
    AdminHarness h;
    h.setup("admin", "correct horse battery");
    h.cookie.clear();
    h.csrf.clear();

    auto r = h.login("admin", "wrong password!");
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.error(), "wrong user name or password");
    r = h.login("nobody", "correct horse battery");
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(r.error(), "wrong user name or password") << "unknown users get the same answer";

    EXPECT_EQ(h.login("admin", "wrong 2").status, 401);
    EXPECT_EQ(h.login("admin", "wrong 3").status, 401);
    // Three failures in a row: even the right password is refused unchecked for a while.
    r = h.login("admin", "correct horse battery");
    EXPECT_EQ(r.status, 429);
    EXPECT_EQ(r.headers.at("Retry-After"), "2");
    EXPECT_NE(r.error().find("too many failed logins"), std::string::npos);

    h.now += 3;
    r = h.login("admin", "correct horse battery");
    EXPECT_EQ(r.status, 200) << r.body;

    // A success resets the count: one more failure does not block.
    h.cookie.clear();
    EXPECT_EQ(h.login("admin", "wrong again").status, 401);
    EXPECT_EQ(h.login("admin", "correct horse battery").status, 200);

    // The failed logins are in the event log.
    const auto events = h.get("/api/events?level=warning&q=failed%20admin%20login").json()->getArray("events");
    EXPECT_GE(events->size(), 4U);
}

// The status of a login from `address` (200, or the ApiError's), and its Retry-After.
std::pair<int, int> loginFrom(settlebridge::admin::Auth& auth, const std::string& password, const std::string& address) {
    try {
        auth.login("admin", password, address);
        return {200, 0};
    } catch (const settlebridge::admin::ApiError& e) {
        return {e.status(), e.retryAfter()};
    }
}

TEST(AdminAuth, AManyAddressFloodIsTooManyRequestsNeverWrongPasswordAndANewAddressGetsIn) {
    using Refusals = settlebridge::common::SignInRefusals;
    AdminHarness h;
    h.setup("admin", "correct horse battery");
    // The login as the site does it, from any client address (the harness's HTTP client is always 127.0.0.1).
    settlebridge::admin::AdminOptions options;
    options.pbkdf2Iterations = 1000;
    options.clock = [&h] { return h.now.load(); };
    settlebridge::admin::SiteContext ctx(*h.store, options);
    settlebridge::admin::Auth auth(ctx);
    const auto limitedBefore = Refusals::shared().snapshot().at(Refusals::Door::Admin, Refusals::Reason::NameRateLimited);
    for (int i = 0; i < 20; ++i) EXPECT_EQ(loginFrom(auth, "guess", "192.0.2." + std::to_string(i)).first, 401);
    // The name is rate-limited now. An address that failed waits in the slow lane: refused unchecked, 429 with the
    // seconds to wait, also with the right password (never 401: the password was not checked).
    EXPECT_EQ(loginFrom(auth, "guess", "192.0.2.0").first, 401) << "the slow lane's check of this interval";
    EXPECT_EQ(loginFrom(auth, "correct horse battery", "192.0.2.1"), std::make_pair(429, 5));
    // An address that never failed has the clean lane: the admin logs in at once, mid-flood...
    EXPECT_EQ(loginFrom(auth, "correct horse battery", "198.51.100.1").first, 200);
    // ...one check a second between such addresses.
    EXPECT_EQ(loginFrom(auth, "correct horse battery", "198.51.100.2"), std::make_pair(429, 1));
    h.now += 1;
    EXPECT_EQ(loginFrom(auth, "correct horse battery", "198.51.100.2").first, 200);
    EXPECT_EQ(Refusals::shared().snapshot().at(Refusals::Door::Admin, Refusals::Reason::NameRateLimited),
              limitedBefore + 2)
        << "counted at the admin page's door";
}

TEST(AdminAuth, SessionsExpireWhenIdle) {
    AdminHarness h;
    h.setup();
    EXPECT_EQ(h.get("/api/home").status, 200);
    h.now += 13 * 3600;  // longer than the 12 h idle limit
    EXPECT_EQ(h.get("/api/home").status, 401);
}

TEST(AdminAuth, PageAndAssetsAreServedWithSecurityHeaders) {
    AdminHarness h;
    auto r = h.get("/");
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.body.find("<title>Settlebridge</title>"), std::string::npos);
    EXPECT_NE(r.headers.at("Content-Security-Policy").find("default-src 'none'"), std::string::npos);
    EXPECT_EQ(r.headers.at("X-Frame-Options"), "DENY");
    r = h.get("/assets/app.js");
    ASSERT_EQ(r.status, 200);
    EXPECT_NE(r.headers.at("Content-Type").find("javascript"), std::string::npos);
    const std::string etag = r.headers.at("ETag");
    r = h.request("GET", "/assets/app.js", "", {{"If-None-Match", etag}});
    EXPECT_EQ(r.status, 304);
    EXPECT_EQ(h.get("/assets/nothing.js").status, 404);
    EXPECT_EQ(h.get("/elsewhere").status, 404);
    h.setup();
    EXPECT_EQ(h.get("/api/nothing").status, 404);
    EXPECT_EQ(h.request("DELETE", "/api/home", "{}").status, 405);
}
