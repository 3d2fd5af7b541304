// One validation below the CLI and the admin page (issue 17): the same bad company setting or Sellercloud login is
// refused by `settlebridge company set` / `sellercloud connect` and by the admin API with the same message, and the
// reconnect rule both use keeps or drops the cached product links the same way.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "daemon/app/cli.hpp"
#include "daemon/store/company_settings.hpp"
#include "daemon/store/secrets.hpp"
#include "daemon/store/sellercloud_products.hpp"
#include "daemon/store/sellercloud_settings.hpp"
#include "tests/unit/admin/admin_harness.hpp"

namespace settlebridge::app {
namespace {

using settlebridge::testing::AdminHarness;
using settlebridge::testing::Reply;

struct CliRun {
    int code;
    std::string out;
    std::string err;
};

CliRun cli(const std::vector<std::string>& args) {
    std::ostringstream out;
    std::ostringstream err;
    const int code = runCommand(args, out, err);
    return {code, out.str(), err.str()};
}

store::Company stored(AdminHarness& h) {
    return h.store->read([&](store::Tx& tx) { return *tx.companies().find(h.company.id); });
}

TEST(SharedValidation, CompanySettingsRefusedAlikeByCliAndAdminApi) {
    AdminHarness h;
    h.setup();
    const std::string dir = h.dir.path().string();
    struct Case {
        std::string option;
        std::string field;
        std::string value;
        std::string json;  // the value as the page sends it
    };
    const std::vector<Case> cases{
        {"--auto-live-days", "auto_live_days", "366", "366"},
        {"--auto-live-days", "auto_live_days", "3650", "3650"},  // the CLI used to take up to 3650
        {"--auto-live-days", "auto_live_days", "-1", "-1"},
        {"--auto-live-days", "auto_live_days", "ten", "\"ten\""},
        {"--time-zone", "time_zone", "Mars/Olympus_Mons", "\"Mars/Olympus_Mons\""},
        {"--time-zone", "time_zone", "../../etc/passwd", "\"../../etc/passwd\""},
        {"--customer", "customer_name", "", "\"\""},
        {"--customer", "customer_name", std::string(42, 'C'), "\"" + std::string(42, 'C') + "\""},
        {"--customer", "customer_name", "Amazon::Summary", "\"Amazon::Summary\""},
    };
    const store::Company before = stored(h);
    for (const auto& c : cases) {
        SCOPED_TRACE(c.option + " " + c.value);
        const Reply api = h.put(h.companyPath("/settings"), "{\"" + c.field + "\":" + c.json + "}");
        ASSERT_EQ(api.status, 400) << api.body;
        const std::string message = api.error();
        ASSERT_FALSE(message.empty());
        EXPECT_EQ(api.json()->getValue<std::string>("field"), c.field);

        const CliRun run = cli({"company", "set", "acme", c.option, c.value, "--data-dir", dir});
        EXPECT_EQ(run.code, kExitBadInput) << run.err;
        EXPECT_EQ(run.err, "settlebridge: " + message + "\n");
    }
    // Nothing changed through either door.
    const store::Company after = stored(h);
    EXPECT_EQ(after.autoLiveDays, before.autoLiveDays);
    EXPECT_EQ(after.timeZone, before.timeZone);
    EXPECT_EQ(after.customerName, before.customerName);

    // And both take the limits.
    EXPECT_EQ(h.put(h.companyPath("/settings"), R"({"auto_live_days":365,"time_zone":"America/Toronto"})").status, 200);
    EXPECT_EQ(stored(h).autoLiveDays, 365);
    const CliRun ok = cli({"company", "set", "acme", "--auto-live-days", "0", "--time-zone", "", "--customer",
                        "Amazon:CA", "--data-dir", dir});
    EXPECT_EQ(ok.code, kExitOk) << ok.err;
    EXPECT_EQ(stored(h).autoLiveDays, 0);
    EXPECT_EQ(stored(h).timeZone, "");
    EXPECT_EQ(stored(h).customerName, "Amazon:CA");
    // company add checks the same way before it creates anything.
    setenv("SETTLEBRIDGE_PASSWORD", "password123", 1);
    const CliRun add = cli({"company", "add", "other", "--time-zone", "Nowhere/City", "--data-dir", dir});
    unsetenv("SETTLEBRIDGE_PASSWORD");
    EXPECT_EQ(add.code, kExitBadInput);
    EXPECT_EQ(add.err, "settlebridge: " + store::checkTimeZone("Nowhere/City")->message + "\n");
    EXPECT_FALSE(h.store->read([](store::Tx& tx) { return tx.companies().findByName("other"); }));
}

TEST(SharedValidation, SellercloudLoginRefusedAlikeByCliAndAdminApi) {
    AdminHarness h;
    h.setup();
    const std::string dir = h.dir.path().string();
    struct Case {
        std::vector<std::string> options;
        std::string json;
        std::string option;  // how the CLI names the refused field
    };
    const std::vector<Case> cases{
        {{"--username", "u"}, R"({"username":"u","password":"p"})", "--team"},
        {{"--team", "acme", "--server-id", "tt", "--username", "u"},
         R"({"team_name":"acme","server_id":"tt","username":"u","password":"p"})", "--team"},
        {{"--server-id", "-bad host", "--username", "u"}, R"({"server_id":"-bad host","username":"u","password":"p"})",
         "--server-id"},
        {{"--base-url", "ftp://x", "--username", "u"}, R"({"base_url":"ftp://x","username":"u","password":"p"})",
         "--base-url"},
        // Plain http only to this machine (issue 16, finding 7): the password would cross the network in clear.
        {{"--base-url", "http://tt.api.sellercloud.com/rest/api/", "--username", "u"},
         R"({"base_url":"http://tt.api.sellercloud.com/rest/api/","username":"u","password":"p"})", "--base-url"},
        {{"--base-url", "http://127.0.0.1.attacker.example/", "--username", "u"},
         R"({"base_url":"http://127.0.0.1.attacker.example/","username":"u","password":"p"})", "--base-url"},
        {{"--base-url", "http://127.0.0.1@attacker.example/", "--username", "u"},
         R"({"base_url":"http://127.0.0.1@attacker.example/","username":"u","password":"p"})", "--base-url"},
        {{"--team", "acme", "--username", "  "}, R"({"team_name":"acme","username":"  ","password":"p"})", "--username"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.json);
        const Reply api = h.put(h.companyPath("/sellercloud"), c.json);
        ASSERT_EQ(api.status, 400) << api.body;
        std::vector<std::string> args{"sellercloud", "connect", "--company", "acme", "--data-dir", dir};
        args.insert(args.end(), c.options.begin(), c.options.end());
        std::istringstream in("p\n");
        std::ostringstream out;
        std::ostringstream err;
        std::streambuf* saved = std::cin.rdbuf(in.rdbuf());
        const int code = runCommand(args, out, err);
        std::cin.rdbuf(saved);
        EXPECT_EQ(code, kExitBadInput) << err.str();
        EXPECT_EQ(err.str(), "settlebridge: " + c.option + ": " + api.error() + "\n");
    }
    EXPECT_TRUE(h.get(h.companyPath("/sellercloud")).json()->isNull("connection"));
}

TEST(SharedValidation, SellercloudAddressAcceptable) {
    EXPECT_TRUE(store::sellercloudAddressAcceptable("https://tt.api.sellercloud.com/rest/api/"));
    EXPECT_TRUE(store::sellercloudAddressAcceptable("https://10.0.0.5:8443/"));
    EXPECT_TRUE(store::sellercloudAddressAcceptable("http://localhost:8080/rest/api/"));
    EXPECT_TRUE(store::sellercloudAddressAcceptable("http://127.0.0.1:49152/"));
    EXPECT_TRUE(store::sellercloudAddressAcceptable("http://127.8.9.10/"));
    EXPECT_TRUE(store::sellercloudAddressAcceptable("http://[::1]:8080/"));
    EXPECT_FALSE(store::sellercloudAddressAcceptable("http://tt.api.sellercloud.com/"));
    EXPECT_FALSE(store::sellercloudAddressAcceptable("http://10.0.0.5/"));
    EXPECT_FALSE(store::sellercloudAddressAcceptable("http://127.0.0.1.attacker.example/"));
    EXPECT_FALSE(store::sellercloudAddressAcceptable("http://127.0.0.1@attacker.example/"));
    EXPECT_FALSE(store::sellercloudAddressAcceptable("http://localhost.attacker.example/"));
    EXPECT_FALSE(store::sellercloudAddressAcceptable("https://"));
    EXPECT_FALSE(store::sellercloudAddressAcceptable("ftp://localhost/"));
    EXPECT_FALSE(store::sellercloudAddressAcceptable("localhost"));
}

/// `sellercloud connect` with the password on standard input ("" = none) and the options given.
CliRun connectCli(const std::string& dir, const std::vector<std::string>& options, const std::string& stdinText) {
    std::vector<std::string> args{"sellercloud", "connect", "--company", "acme", "--data-dir", dir};
    args.insert(args.end(), options.begin(), options.end());
    std::istringstream in(stdinText);
    std::streambuf* saved = std::cin.rdbuf(in.rdbuf());
    CliRun run = cli(args);
    std::cin.rdbuf(saved);
    return run;
}

// Issue 16, finding 7: an admin (or whoever holds the admin's session) who points the connection at another server
// must not get the stored password sent there by "Test": another address needs the password again, through either
// door, and a refused change leaves the stored connection and password as they were.
TEST(SharedValidation, SellercloudPasswordNeverSentToAnotherAddress) {
    AdminHarness h;
    h.setup();
    const std::string dir = h.dir.path().string();
    ASSERT_EQ(h.put(h.companyPath("/sellercloud"),
                    R"({"base_url":"https://tt.api.sellercloud.com/rest/api/","username":"u","password":"first secret"})")
                  .status,
              200);
    const auto storedConnection = [&] {
        return h.store->read([&](store::Tx& tx) {
            return *store::SellercloudConnections(tx.database()).findByCompany(h.company.id);
        });
    };
    const auto storedPassword = [&] {
        const std::int64_t id = storedConnection().id;
        const store::SecretBox box = store::SecretBox::openKeyFile(h.dir.file("secrets.key"));
        return h.store->write([&](store::Tx& tx) { return store::SellercloudConnections(tx.database()).password(id, box); });
    };
    ASSERT_EQ(storedPassword(), "first secret");

    struct Case {
        std::vector<std::string> options;
        std::string json;
    };
    const std::vector<Case> moves{
        {{"--base-url", "https://attacker.example/rest/api/", "--username", "u"},
         R"({"base_url":"https://attacker.example/rest/api/","username":"u"})"},
        {{"--base-url", "https://attacker.example/rest/api/", "--username", "u"},
         R"({"base_url":"https://attacker.example/rest/api/","username":"u","password":""})"},
        {{"--team", "other-team", "--username", "u"}, R"({"team_name":"other-team","username":"u"})"},
        {{"--server-id", "xx", "--username", "u"}, R"({"server_id":"xx","username":"u"})"},
    };
    for (const auto& c : moves) {
        SCOPED_TRACE(c.json);
        const Reply api = h.put(h.companyPath("/sellercloud"), c.json);
        ASSERT_EQ(api.status, 400) << api.body;
        EXPECT_EQ(api.json()->getValue<std::string>("field"), "password");
        EXPECT_NE(api.error().find("enter the password again"), std::string::npos) << api.error();
        const CliRun run = connectCli(dir, c.options, "");
        EXPECT_EQ(run.code, kExitBadInput) << run.err;
        EXPECT_EQ(run.err, "settlebridge: the password: " + api.error() + "\n");
        EXPECT_EQ(storedConnection().baseUrl, "https://tt.api.sellercloud.com/rest/api/");
        EXPECT_EQ(storedPassword(), "first secret");
    }
    // The same address without a password keeps the stored one (the page's form leaves the field empty).
    EXPECT_EQ(h.put(h.companyPath("/sellercloud"),
                    R"({"base_url":"https://tt.api.sellercloud.com/rest/api/","username":"u2"})")
                  .status,
              200);
    EXPECT_EQ(storedPassword(), "first secret");
    // Another address with its password: saved, the new password replaces the old one.
    const Reply moved = h.put(h.companyPath("/sellercloud"),
                              R"({"base_url":"http://127.0.0.1:9/rest/api/","username":"u2","password":"second"})");
    ASSERT_EQ(moved.status, 200) << moved.body;
    EXPECT_EQ(storedConnection().baseUrl, "http://127.0.0.1:9/rest/api/");
    EXPECT_EQ(storedPassword(), "second");
    // The CLI the same way: with a password on standard input the move is saved (its test then fails: nothing
    // listens there).
    const CliRun cliMove = connectCli(dir, {"--base-url", "http://localhost:9/rest/api/", "--username", "u2"}, "third\n");
    EXPECT_NE(cliMove.code, kExitBadInput) << cliMove.err;
    EXPECT_EQ(storedConnection().baseUrl, "http://localhost:9/rest/api/");
    EXPECT_EQ(storedPassword(), "third");
}

TEST(SharedValidation, SellercloudReconnectRule) {
    settlebridge::testing::TempDir dir;
    store::Store db(dir.file("settlebridge.db"));
    const store::SecretBox box = store::SecretBox::openKeyFile(dir.file("secrets.key"));
    const std::int64_t company = db.write([](store::Tx& tx) {
        store::Company c;
        c.name = "acme";
        return tx.companies().create(c, "password1", 1000, 1000).id;
    });
    store::SellercloudLogin login{"acme", "", "", "api-user", "secret"};
    ASSERT_TRUE(store::checkSellercloudLogin(login, std::nullopt).empty());
    auto saved = db.write([&](store::Tx& tx) { return store::saveSellercloudLogin(tx.database(), box, company, login, 2000); });
    EXPECT_TRUE(saved.added);
    const std::int64_t id = saved.connection.id;
    // The daemon resolved the team's server and linked two SKUs, one of them by hand; the login was tested.
    db.write([&](store::Tx& tx) {
        store::SellercloudConnections connections(tx.database());
        auto c = *connections.find(id);
        c.serverId = "tt";
        connections.update(c, 2100);
        connections.setTestResult(id, "ok", "connected", 2100);
        store::SellercloudProducts products(tx.database());
        store::SellercloudLink link{};
        link.sku = "A";
        link.productId = "P-A";
        link.rule = "sku";
        products.saveLink(id, 1, link);
        link.sku = "B";
        link.productId = "P-B";
        link.rule = "manual";
        products.saveLink(id, 1, link);
    });
    const auto links = [&] {
        return db.read([&](store::Tx& tx) { return store::SellercloudProducts(tx.database()).links(id, 1).size(); });
    };
    ASSERT_EQ(links(), 2U);

    // The same endpoint without a password: the resolved server, the links, the password and the verdict stay.
    const auto current = [&] {
        return db.read([&](store::Tx& tx) { return store::SellercloudConnections(tx.database()).find(id); });
    };
    store::SellercloudLogin again{" acme ", "", "", "api-user", ""};
    ASSERT_TRUE(store::checkSellercloudLogin(again, current()).empty());
    EXPECT_FALSE(store::checkSellercloudLogin(again, std::nullopt).empty()) << "a first login needs its password";
    saved = db.write([&](store::Tx& tx) { return store::saveSellercloudLogin(tx.database(), box, company, again, 2200); });
    EXPECT_FALSE(saved.added);
    EXPECT_FALSE(saved.endpointChanged);
    EXPECT_EQ(saved.linksDropped, 0);
    EXPECT_EQ(saved.connection.serverId, "tt");
    EXPECT_EQ(saved.connection.testVerdict, "ok");
    EXPECT_EQ(links(), 2U);
    EXPECT_EQ(db.write([&](store::Tx& tx) { return store::SellercloudConnections(tx.database()).password(id, box); }), "secret");

    // Another user: the verdict goes, the links stay.
    store::SellercloudLogin user{"acme", "", "", "other-user", ""};
    ASSERT_TRUE(store::checkSellercloudLogin(user, current()).empty());
    saved = db.write([&](store::Tx& tx) { return store::saveSellercloudLogin(tx.database(), box, company, user, 2300); });
    EXPECT_TRUE(saved.connection.testVerdict.empty());
    EXPECT_EQ(links(), 2U);

    // Another team: another server, so the cached link goes and the hand-made one stays.
    // Another team without a password is refused by the check, and by the save too when the check was passed
    // against an older state (another request changed the connection meanwhile): nothing changes.
    store::SellercloudLogin noPassword{"other-team", "", "", "other-user", ""};
    const auto refusedProblems = store::checkSellercloudLogin(noPassword, current());
    ASSERT_EQ(refusedProblems.size(), 1U);
    EXPECT_EQ(refusedProblems.front().field, "password");
    saved = db.write([&](store::Tx& tx) { return store::saveSellercloudLogin(tx.database(), box, company, noPassword, 2350); });
    ASSERT_TRUE(saved.refused);
    EXPECT_EQ(saved.refused->field, "password");
    EXPECT_EQ(current()->teamName, "acme");
    EXPECT_EQ(links(), 2U);

    store::SellercloudLogin other{"other-team", "", "", "other-user", "new secret"};
    ASSERT_TRUE(store::checkSellercloudLogin(other, current()).empty());
    saved = db.write([&](store::Tx& tx) { return store::saveSellercloudLogin(tx.database(), box, company, other, 2400); });
    EXPECT_TRUE(saved.endpointChanged);
    EXPECT_EQ(saved.linksDropped, 1);
    EXPECT_EQ(saved.connection.serverId, "");
    EXPECT_EQ(links(), 1U);
    EXPECT_EQ(db.write([&](store::Tx& tx) { return store::SellercloudConnections(tx.database()).password(id, box); }),
              "new secret");
}

}  // namespace
}  // namespace settlebridge::app
