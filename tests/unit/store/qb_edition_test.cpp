// The edition facts Settlebridge keeps per company (schema version 8): country, sales tax codes, exchange rates read
// from the company file, and the rate frozen per settlement.

#include "daemon/store/qb_edition.hpp"

#include <gtest/gtest.h>

#include "daemon/store/store.hpp"
#include "tests/unit/store/temp_dir.hpp"
#include "tests/unit/store/test_store.hpp"

namespace settlebridge::store {
namespace {

using settlebridge::testing::TempDir;
using settlebridge::testing::TestStore;

SETTLEBRIDGE_STORE_BACKENDS(QbEditionTest);

constexpr Timestamp kNow = 1'700'000'000;

TEST_P(QbEditionTest, RemembersEditionCodesRatesAndFrozenRates) {
    TempDir dir;
    TestStore store(dir.path() / "sb.db");
    const Company company = store.write([](Tx& tx) {
        Company c;
        c.name = "acme";
        return tx.companies().create(c, "s3cret-pass", kNow, 1000);
    });
    store.write([&](Tx& tx) {
        QbEditionRepo repo(tx.database());
        EXPECT_EQ(repo.get(company.id).country, "");
        EXPECT_EQ(repo.get(company.id).rateMaxAgeDays, kDefaultRateMaxAgeDays);
        EXPECT_TRUE(repo.taxCodes(company.id).empty());
        repo.setCountry(company.id, "CA");
        repo.setRateMaxAgeDays(company.id, 3);
        EXPECT_THROW(repo.setRateMaxAgeDays(company.id, -1), StoreError);
        repo.replaceTaxCodes(company.id, {{"G", true, "GST"}, {"E", false, "Exempt"}}, kNow);
        repo.replaceTaxCodes(company.id, {{"Z", false, "Zero-rated"}, {"E", false, "Exempt"}}, kNow + 1);
        repo.rememberRate(company.id, {"INR", "0.0163", "2025-01-31", kNow});
        repo.rememberRate(company.id, {"INR", "", "", kNow + 5});
    });
    store.read([&](Tx& tx) {
        QbEditionRepo repo(tx.database());
        const EditionInfo info = repo.get(company.id);
        EXPECT_EQ(info.country, "CA");
        EXPECT_EQ(info.rateMaxAgeDays, 3);
        EXPECT_EQ(info.taxCodesReadAt, kNow + 1);
        const auto codes = repo.taxCodes(company.id);
        ASSERT_EQ(codes.size(), 2u) << "the list is replaced, not merged";
        EXPECT_EQ(codes[0].name, "E");
        EXPECT_EQ(codes[1].name, "Z");
        EXPECT_FALSE(codes[1].taxable);
        const auto rate = repo.rate(company.id, "INR");
        ASSERT_TRUE(rate.has_value());
        EXPECT_EQ(rate->rate, "") << "the latest read: no rate";
        EXPECT_EQ(rate->readAt, kNow + 5);
        EXPECT_FALSE(repo.rate(company.id, "EUR").has_value());
    });
}

}  // namespace
}  // namespace settlebridge::store
