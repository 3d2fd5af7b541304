#pragma once
// Test support for the Sellercloud area: the simulator (tools/sellercloud_sim, Python) as a subprocess on a free
// port, its /_control endpoint, a temporary folder, and a store with one company, one ads profile and one
// Sellercloud connection pointing at the simulator.

#include <gtest/gtest.h>
#include "tests/support/test_paths.hpp"
#include "tests/support/sim_process.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "daemon/net/retry.hpp"
#include "daemon/sellercloud/client.hpp"
#include "daemon/sellercloud/push.hpp"
#include "daemon/common/datetime.hpp"
#include "daemon/store/ad_spend.hpp"
#include "daemon/store/ads_accounts.hpp"
#include "daemon/store/secrets.hpp"
#include "daemon/store/sellercloud_connections.hpp"
#include "daemon/store/store.hpp"

namespace settlebridge::sctest {

namespace fs = std::filesystem;

inline constexpr const char* kUser = "api-user";
inline constexpr const char* kPassword = "correct horse";

inline std::string readFile(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class TempFolder {
public:
    TempFolder() {
        std::random_device rd;
        for (;;) {
            path_ = fs::temp_directory_path() / ("settlebridge-sellercloud-" + std::to_string(rd()));
            if (fs::create_directory(path_)) break;
        }
    }
    ~TempFolder() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempFolder(const TempFolder&) = delete;
    TempFolder& operator=(const TempFolder&) = delete;
    fs::path file(const std::string& name) const { return path_ / name; }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

using testing::HttpResult;
using testing::httpExchange;

/// tools/sellercloud_sim/sellercloud_sim.py on a free port; stopped on destruction.
class SellercloudSim {
public:
    explicit SellercloudSim(std::vector<std::string> args = {}) : sim_("sellercloud_sim", SETTLEBRIDGE_PYTHON, withScript(std::move(args))) {}
    SellercloudSim(const SellercloudSim&) = delete;
    SellercloudSim& operator=(const SellercloudSim&) = delete;

    std::uint16_t port() const { return sim_.port(); }
    std::string url() const { return sim_.url(); }
    std::string restBase() const { return url() + "/rest/api/"; }
    std::string lookupUrl() const { return url() + "/api/server-by-team/"; }

    void control(const std::string& json) const {
        const HttpResult r = sim_.postControl(json);
        ASSERT_EQ(r.status, 200) << r.body;
    }
    Poco::JSON::Object::Ptr state() const { return sim_.state(); }
    int count(const std::string& operation) const { return sim_.count(operation); }
    /// The value a product's column holds in the simulator, as Poco prints the JSON number ("10", "12.5"); ("<null>" for JSON null, "<unset>" when never written).
    std::string value(const std::string& product, const std::string& column) const {
        const auto values = state()->getObject("values");
        if (!values->has(product)) return "<unset>";
        const auto columns = values->getObject(product);
        if (!columns->has(column)) return "<unset>";
        const Poco::Dynamic::Var v = columns->get(column);
        if (v.isEmpty()) return "<null>";
        return v.convert<std::string>();
    }
    int writes() const { return static_cast<int>(state()->getArray("writes")->size()); }

private:
    static std::vector<std::string> withScript(std::vector<std::string> args) {
        args.insert(args.begin(), std::string(SETTLEBRIDGE_SOURCE_DIR) + "/tools/sellercloud_sim/sellercloud_sim.py");
        return args;
    }
    testing::SimulatorProcess sim_;
};

inline net::RetryPolicy fastRetry(int attempts = 4) {
    net::RetryPolicy p;
    p.maxAttempts = attempts;
    p.baseDelay = std::chrono::milliseconds(10);
    p.maxDelay = std::chrono::milliseconds(50);
    p.maxRetryAfter = std::chrono::milliseconds(3000);
    return p;
}

inline sellercloud::HttpSettings fastTransport() {
    sellercloud::HttpSettings t;
    t.retry = fastRetry();
    t.http.connectTimeout = std::chrono::milliseconds(3000);
    t.http.ioTimeout = std::chrono::milliseconds(10000);
    return t;
}

inline sellercloud::ClientConfig clientConfig(const SellercloudSim& sim, const std::string& password = kPassword) {
    sellercloud::ClientConfig c;
    c.baseUrl = sim.restBase();
    c.username = kUser;
    c.password = password;
    c.transport = fastTransport();
    c.rate = {1000.0, 1000.0};
    return c;
}

/// 12:00 UTC on a day: "now" for the push tests.
inline store::Timestamp noonUtc(int year, unsigned month, unsigned day) {
    return common::utcFromCivil({{year, month, day}, 12, 0, 0});
}

/// A store with a company, an Amazon Ads account with one profile (UTC, USD) and a Sellercloud connection that
/// reaches the simulator through the team lookup.
class PushWorld {
public:
    explicit PushWorld(const SellercloudSim& sim)
        : sim_(sim), store_(folder_.file("settlebridge.db")), box_(store::SecretBox::fromKey(std::string(32, 'k'))) {
        const store::Timestamp t = noonUtc(2026, 5, 1);
        store_.write([&](store::Tx& tx) {
            store::Company company;
            company.name = "acme";
            companyId = tx.companies().create(company, "pw", t, 1000).id;
            store::AdsAccounts accounts(tx.database());
            store::AdsAccount account;
            account.companyId = companyId;
            account.name = "Main ads";
            account.region = "NA";
            accountId = accounts.create(account, t).id;
            profileRow = addProfileIn(tx, "1001", "USD", "UTC");
            store::SellercloudConnections connections(tx.database());
            store::SellercloudConnection c;
            c.companyId = companyId;
            c.teamName = "acme";
            c.username = kUser;
            connectionId = connections.create(c, t).id;
            connections.setPassword(connectionId, box_, kPassword, t);
        });
    }

    std::int64_t addProfile(const std::string& profileId, const std::string& currency, const std::string& zone) {
        return store_.write([&](store::Tx& tx) { return addProfileIn(tx, profileId, currency, zone); });
    }

    sellercloud::PushOptions options() const {
        sellercloud::PushOptions o;
        o.teamLookupUrl = sim_.lookupUrl();
        o.retry = fastRetry();
        o.rate = {1000.0, 1000.0};
        o.http.connectTimeout = std::chrono::milliseconds(3000);
        o.http.ioTimeout = std::chrono::milliseconds(10000);
        return o;
    }

    /// One ad spend row (SP unless told), replacing what was stored under the same key.
    void spend(std::int64_t profile, const std::string& date, const std::string& sku, const std::string& asin,
               store::Cents cost, store::Cents sales, std::int64_t purchases = 1, const std::string& adProduct = "SP") {
        store_.write([&](store::Tx& tx) {
            store::AdSpendRow row;
            row.adProduct = adProduct;
            row.date = date;
            row.campaignId = "77";
            row.sku = sku;
            row.asin = asin;
            row.cost = cost;
            row.sales = sales;
            row.clicks = 3;
            row.impressions = 100;
            row.purchases = purchases;
            store::AdSpend(tx.database()).upsert(profile, row, noonUtc(2026, 5, 1));
        });
    }

    store::Store& store() { return store_; }
    const store::SecretBox& box() const { return box_; }

    std::int64_t companyId = 0;
    std::int64_t accountId = 0;
    std::int64_t profileRow = 0;
    std::int64_t connectionId = 0;

private:
    std::int64_t addProfileIn(store::Tx& tx, const std::string& profileId, const std::string& currency,
                              const std::string& zone) {
        store::ImportedProfile info;
        info.profileId = profileId;
        info.countryCode = "US";
        info.currencyCode = currency;
        info.timeZone = zone;
        info.accountName = "Acme " + profileId;
        info.accountType = "seller";
        return store::AdsProfiles(tx.database()).upsertImported(accountId, info, noonUtc(2026, 5, 1)).id;
    }

    const SellercloudSim& sim_;
    TempFolder folder_;
    store::Store store_;
    store::SecretBox box_;
};

}  // namespace settlebridge::sctest
