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

// A payout the bank returned ("Failed disbursement"), with the transfer option on: the previewer shows its move back
// from the bank and the queue labels it; in another currency than the home one it is a DepositAdd of funds in that
// currency into the home-currency Amazon Reserved Balances (docs/POSTING.md, "Exchange rates").
TEST(EditionApi, AReturnedPayoutsMoveBackIsShownAndLabelledInBothForms) {
    for (const bool foreign : {false, true}) {
        SCOPED_TRACE(foreign ? "foreign" : "home currency");
        AdminHarness h;
        h.setup();
        h.store->write([&](store::Tx& tx) {
            auto c = *tx.companies().findByName("acme");
            c.postTransfer = true;
            c.bankAccount = "Checking";
            if (foreign) {
                c.multiCurrency = true;
                c.homeCurrency = "EUR";
            }
            tx.companies().update(c, 1);
        });
        std::string report = makeReport("22000000003", "2026-01-13 12:00:00 UTC", "2026-01-27 12:00:00 UTC");
        const std::string total = "\t85.00\tUSD";
        ASSERT_NE(report.find(total), std::string::npos);
        report.replace(report.find(total), total.size(), "\t125.00\tUSD");
        report += "22000000003\t\t\t\t\t\tother-transaction\t\t\t\t\t\tother-transaction\tFailed disbursement\t40.00\t\t"
                  "2026-01-20\t2026-01-20 18:00:00 UTC\t\t\t\t\t\n";
        ASSERT_EQ(h.import(report).outcome, settlebridge::posting::ImportResult::Outcome::Imported);

        auto r = h.get(h.companyPath("/preview?from=2026-01-13&to=2026-01-27"));
        ASSERT_EQ(r.status, 200) << r.body;
        const auto sel = r.json()->getObject("selected");
        ASSERT_TRUE(sel);
        EXPECT_EQ(sel->getValue<std::string>("qbxml_error"), "");
        const std::string qbxml = sel->getValue<std::string>("qbxml");
        const std::size_t back = qbxml.find("of the payout the bank returned (Failed disbursement of 2026-01-20) 40.00 USD");
        ASSERT_NE(back, std::string::npos) << qbxml;
        if (foreign) {
            EXPECT_NE(qbxml.find("DepositAdd of the payout the bank returned"), std::string::npos) << qbxml;
            EXPECT_NE(qbxml.find("QuickBooks transfers only within one currency"), std::string::npos) << qbxml;
            EXPECT_NE(qbxml.find("<DepositToAccountRef>", back), std::string::npos);
            EXPECT_NE(qbxml.find("<FullName>Amazon Reserved Balances</FullName>", back), std::string::npos) << qbxml;
            EXPECT_NE(qbxml.find("<FullName>US Dollar</FullName>", back), std::string::npos) << "CurrencyRef";
            EXPECT_NE(qbxml.find("<FullName>Checking USD</FullName>", back), std::string::npos) << "the bank in USD";
        } else {
            EXPECT_NE(qbxml.find("TransferAdd of the payout the bank returned"), std::string::npos) << qbxml;
            EXPECT_NE(qbxml.find("<TransferToAccountRef>", back), std::string::npos) << qbxml;
            EXPECT_EQ(qbxml.find("<CurrencyRef>", back), std::string::npos) << qbxml;
        }

        const auto docs = h.get(h.companyPath("/queue")).json()->getArray("documents");
        int returned = 0;
        for (std::size_t i = 0; i < docs->size(); ++i) {
            const auto d = docs->getObject(static_cast<unsigned>(i));
            if (d->getValue<std::string>("kind") != "transfer" || d->getValue<std::int64_t>("total_cents") != 4000) continue;
            ++returned;
            EXPECT_EQ(d->getValue<std::string>("kind_label"),
                      foreign ? "Returned payout back from the bank (a deposit at the settlement's exchange rate)"
                              : "Returned payout back from the bank (transfer)");
            EXPECT_EQ(d->getValue<std::string>("qb_form"), foreign ? "DepositAdd" : "TransferAdd");
        }
        EXPECT_EQ(returned, 1);
    }
}
