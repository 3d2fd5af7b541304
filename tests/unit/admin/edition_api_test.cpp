// The admin page's view of the company file's edition and the exchange rate of a foreign-currency settlement
// (docs/ADMIN.md; docs/POSTING.md "Editions", "Exchange rates"), over real HTTP.
#include <gtest/gtest.h>

#include "daemon/store/qb_edition.hpp"
#include "tests/unit/admin/admin_harness.hpp"

using settlebridge::testing::AdminHarness;
using settlebridge::testing::makeReport;
namespace store = settlebridge::store;

TEST(EditionApi, SettingsShowTheEditionAndTheCodeAndEditTheRateAgeLimit) {
    AdminHarness h;
    h.setup();
    h.store->write([&](store::Tx& tx) {
        auto c = *tx.companies().findByName("acme");
        c.salesTax = true;
        c.nonTaxableCode = "Non";
        tx.companies().update(c, 1);
        store::QbEditionRepo repo(tx.database());
        repo.setCountry(c.id, "CA");
        repo.replaceTaxCodes(c.id, {{"E", false, "Exempt"}, {"G", true, "GST"}}, 1);
    });
    auto r = h.get(h.companyPath("/settings"));
    ASSERT_EQ(r.status, 200) << r.body;
    auto s = r.json();
    EXPECT_EQ(s->getValue<std::string>("qb_edition"), "CA");
    EXPECT_EQ(s->getValue<std::string>("sales_tax_code"), "Non");
    EXPECT_EQ(s->getArray("sales_tax_codes")->size(), 2U);
    EXPECT_NE(s->getValue<std::string>("sales_tax_code_problem").find("is not in this company file's sales tax code list"),
              std::string::npos);
    EXPECT_EQ(s->getValue<int>("exchange_rate_max_age_days"), 7);

    r = h.put(h.companyPath("/settings"), R"({"exchange_rate_max_age_days":30})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(h.get(h.companyPath("/settings")).json()->getValue<int>("exchange_rate_max_age_days"), 30);
    r = h.put(h.companyPath("/settings"), R"({"exchange_rate_max_age_days":-1})");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("exchange_rate_max_age_days"), std::string::npos) << r.body;
    EXPECT_EQ(h.get(h.companyPath("/settings")).json()->getValue<int>("exchange_rate_max_age_days"), 30);
}

TEST(EditionApi, ApproveRefusesARateForAHomeCurrencySettlementAndAcceptsOneForAForeignOne) {
    AdminHarness h;
    h.setup();
    h.import(makeReport("22000000002", "2026-01-13 12:00:00 UTC", "2026-01-27 12:00:00 UTC"));
    // Multicurrency off: no settlement takes a rate; nothing changes.
    auto r = h.post(h.companyPath("/approve"), R"({"settlement_id":"22000000002","exchange_rate":"0.75"})");
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("field"), "exchange_rate");
    EXPECT_NE(r.body.find("multicurrency off"), std::string::npos) << r.body;
    EXPECT_EQ(h.get(h.companyPath("/queue")).json()->getObject("counts")->getValue<int>("held"), 1);

    // Multicurrency on with another home currency than the settlement's: the rate is frozen and shown.
    const std::string currency = h.get(h.companyPath("/queue")).json()->getArray("documents")->getObject(0)->getValue<std::string>("currency");
    h.store->write([&](store::Tx& tx) {
        auto c = *tx.companies().findByName("acme");
        c.multiCurrency = true;
        c.homeCurrency = currency == "EUR" ? "USD" : "EUR";
        tx.companies().update(c, 1);
    });
    r = h.post(h.companyPath("/approve"), R"({"settlement_id":"22000000002","exchange_rate":"abc"})");
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_NE(r.body.find("is not a positive decimal"), std::string::npos) << r.body;
    r = h.post(h.companyPath("/approve"), R"({"settlement_id":"22000000002","exchange_rate":"0.750"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<int>("queued"), 1);
    EXPECT_NE(r.json()->getValue<std::string>("exchange_rate").find("= 0.75 "), std::string::npos) << r.body;
    EXPECT_NE(r.json()->getValue<std::string>("exchange_rate").find("set at approval by admin"), std::string::npos);
    auto q = h.get(h.companyPath("/queue")).json();
    EXPECT_TRUE(q->getValue<bool>("multicurrency"));
}
