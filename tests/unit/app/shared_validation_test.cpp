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
    ASSERT_TRUE(store::checkSellercloudLogin(login, false).empty());
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
    store::SellercloudLogin again{" acme ", "", "", "api-user", ""};
    ASSERT_TRUE(store::checkSellercloudLogin(again, true).empty());
    EXPECT_FALSE(store::checkSellercloudLogin(again, false).empty()) << "a first login needs its password";
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
    ASSERT_TRUE(store::checkSellercloudLogin(user, true).empty());
    saved = db.write([&](store::Tx& tx) { return store::saveSellercloudLogin(tx.database(), box, company, user, 2300); });
    EXPECT_TRUE(saved.connection.testVerdict.empty());
    EXPECT_EQ(links(), 2U);

    // Another team: another server, so the cached link goes and the hand-made one stays.
    store::SellercloudLogin other{"other-team", "", "", "other-user", "new secret"};
    ASSERT_TRUE(store::checkSellercloudLogin(other, true).empty());
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
