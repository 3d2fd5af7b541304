// The kinds of rows no rule maps, across every settlement of a company, and mapping one with a click
// (GET /api/companies/{id}/unmapped, POST .../unmapped/map), over real HTTP on a real store.
#include <gtest/gtest.h>

#include <sstream>

#include "daemon/settlement/mapping.hpp"
#include "daemon/settlement/summarizer.hpp"
#include "daemon/store/admin_company_options.hpp"
#include "tests/unit/admin/admin_harness.hpp"

using settlebridge::testing::AdminHarness;
namespace store = settlebridge::store;
namespace settlement = settlebridge::settlement;

namespace {

/// A balanced Flat File V2 report: one sale of 100.00 and account-level rows of the given kinds.
std::string reportWith(const std::string& id, const std::string& day,
                       const std::vector<std::pair<std::string, std::string>>& otherRows) {
    const std::string header =
        "settlement-id\tsettlement-start-date\tsettlement-end-date\tdeposit-date\ttotal-amount\tcurrency\t"
        "transaction-type\torder-id\tmerchant-order-id\tadjustment-id\tshipment-id\tmarketplace-name\tamount-type\t"
        "amount-description\tamount\tfulfillment-id\tposted-date\tposted-date-time\torder-item-code\t"
        "merchant-order-item-id\tmerchant-adjustment-item-id\tsku\tquantity-purchased\n";
    long long total = 10000;
    std::string rows = id + "\t\t\t\t\t\tOrder\t111-0000000-0000001\t\t\t\tAmazon.com\tItemPrice\tPrincipal\t100.00\tAFN\t" +
                       day + "\t" + day + " 10:00:00 UTC\t1\t\t\tSKU-1\t1\n";
    for (const auto& [description, amount] : otherRows) {
        rows += id + "\t\t\t\t\t\tother-transaction\t\t\t\t\tAmazon.com\tother-transaction\t" + description + "\t" +
                amount + "\t\t" + day + "\t" + day + " 11:00:00 UTC\t\t\t\t\t\n";
        const bool negative = amount[0] == '-';
        const std::string digits = negative ? amount.substr(1) : amount;
        const long long cents = std::stoll(digits.substr(0, digits.find('.'))) * 100 + std::stoll(digits.substr(digits.find('.') + 1));
        total += negative ? -cents : cents;
    }
    const std::string totalText = std::to_string(total / 100) + "." + (total % 100 < 10 ? "0" : "") + std::to_string(total % 100);
    return header + id + "\t" + day + " 00:00:00 UTC\t" + day + " 12:00:00 UTC\t" + day + " 12:00:00 UTC\t" +
           totalText + "\tUSD" + std::string(17, '\t') + "\n" + rows;
}

Poco::JSON::Object::Ptr findType(const Poco::JSON::Array::Ptr& types, const std::string& description) {
    for (std::size_t i = 0; i < types->size(); ++i) {
        auto t = types->getObject(static_cast<unsigned>(i));
        if (t->getValue<std::string>("amount_description") == description) return t;
    }
    return nullptr;
}

}  // namespace

TEST(UnmappedApi, ListsEveryUnmappedKindAcrossSettlementsAndMapsOneWithAClick) {
    AdminHarness h;
    h.setup();
    auto r = h.get(h.companyPath("/unmapped"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getArray("types")->size(), 0U);
    EXPECT_EQ(r.json()->getValue<std::string>("mapping_version"), "builtin-2");

    h.import(reportWith("22000000002", "2026-01-13", {{"Seller Fulfilled Prime Penalty", "-1.25"},
                                                      {"Storage Fee", "-3.00"}}));
    h.import(reportWith("22000000003", "2026-01-27", {{"Seller Fulfilled Prime Penalty", "-2.50"},
                                                      {"Seller Fulfilled Prime Penalty", "-0.25"},
                                                      {"Brand Registry Bonus", "4.00"}}));
    r = h.get(h.companyPath("/unmapped"));
    ASSERT_EQ(r.status, 200) << r.body;
    auto types = r.json()->getArray("types");
    ASSERT_EQ(types->size(), 2U) << r.body << " (Storage Fee has a built-in rule)";
    auto penalty = findType(types, "Seller Fulfilled Prime Penalty");
    ASSERT_TRUE(penalty);
    EXPECT_EQ(types->getObject(0)->getValue<std::string>("amount_description"), "Seller Fulfilled Prime Penalty")
        << "most rows first";
    EXPECT_EQ(penalty->getValue<std::string>("transaction_type"), "other-transaction");
    EXPECT_EQ(penalty->getValue<std::string>("amount_type"), "other-transaction");
    EXPECT_EQ(penalty->getValue<int>("rows"), 3);
    EXPECT_EQ(penalty->getValue<std::string>("mapped_to"), "");
    auto totals = penalty->getArray("totals");
    ASSERT_EQ(totals->size(), 1U);
    EXPECT_EQ(totals->getObject(0)->getValue<long long>("amount_cents"), -400);
    EXPECT_EQ(totals->getObject(0)->getValue<std::string>("currency"), "USD");
    auto settlements = penalty->getArray("settlements");
    ASSERT_EQ(settlements->size(), 2U);
    EXPECT_EQ(settlements->getObject(0)->getValue<std::string>("settlement_id"), "22000000002");
    EXPECT_EQ(settlements->getObject(0)->getValue<long long>("amount_cents"), -125);
    EXPECT_EQ(settlements->getObject(1)->getValue<std::string>("settlement_id"), "22000000003");
    EXPECT_EQ(settlements->getObject(1)->getValue<int>("rows"), 2);
    EXPECT_EQ(settlements->getObject(1)->getValue<long long>("amount_cents"), -275);
    auto bonus = findType(types, "Brand Registry Bonus");
    ASSERT_TRUE(bonus);
    EXPECT_EQ(bonus->getArray("totals")->getObject(0)->getValue<long long>("amount_cents"), 400);
    const auto categories = r.json()->getArray("categories");
    bool hasAccountFees = false;
    for (std::size_t i = 0; i < categories->size(); ++i) {
        const std::string key = categories->getObject(static_cast<unsigned>(i))->getValue<std::string>("key");
        EXPECT_NE(key, "unmapped");
        EXPECT_NE(key, "product");
        hasAccountFees = hasAccountFees || key == "account-fees";
    }
    EXPECT_TRUE(hasAccountFees);

    // Refused: no category, an unknown one, product sales, "unmapped"; nothing changes.
    const std::string kind = R"("transaction_type":"other-transaction","amount_type":"other-transaction",)"
                             R"("amount_description":"Seller Fulfilled Prime Penalty")";
    for (const std::string& category : {std::string(""), std::string("penalties"), std::string("product"),
                                        std::string("unmapped")}) {
        SCOPED_TRACE(category);
        r = h.post(h.companyPath("/unmapped/map"), "{" + kind + R"(,"category":")" + category + R"("})");
        EXPECT_EQ(r.status, 400) << r.body;
        EXPECT_EQ(r.json()->getValue<std::string>("field"), "category");
        EXPECT_FALSE(r.error().empty());
    }
    r = h.post(h.companyPath("/unmapped/map"),
               R"({"transaction_type":"other-transaction","amount_type":"other*","amount_description":"X","category":"account-fees"})");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("field"), "amount_type");
    EXPECT_EQ(h.store->read([&](store::Tx& tx) { return store::CompanyOptionsRepo(tx.database()).get(h.company.id); })
                  .mappingRevision,
              0);

    // Mapped with a click: one rule, the mapping's next version, an entry in the log.
    r = h.post(h.companyPath("/unmapped/map"), "{" + kind + R"(,"category":"account-fees"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json()->getValue<std::string>("mapping_version"), "builtin-2+admin-1");
    EXPECT_EQ(r.json()->getValue<std::string>("rule"),
              "rule other-transaction\tother-transaction\tSeller Fulfilled Prime Penalty\taccount-fees");
    const store::CompanyOptions options =
        h.store->read([&](store::Tx& tx) { return store::CompanyOptionsRepo(tx.database()).get(h.company.id); });
    EXPECT_EQ(options.mappingRevision, 1);
    EXPECT_NE(options.mappingText.find("version admin-1\n"), std::string::npos) << options.mappingText;
    r = h.get(h.companyPath("/settings"));
    EXPECT_EQ(r.json()->getValue<std::string>("mapping_version"), "builtin-2+admin-1");
    EXPECT_NE(r.json()->getValue<std::string>("mapping_extra").find("Seller Fulfilled Prime Penalty\taccount-fees"),
              std::string::npos);
    bool logged = false;
    for (const auto& e : h.store->read([&](store::Tx& tx) { return tx.events().recent(h.company.id, 50); }))
        logged = logged || e.message.find("Seller Fulfilled Prime Penalty now go to") != std::string::npos;
    EXPECT_TRUE(logged);

    // Listed as mapped now, after the kinds still unmapped; mapping it twice is refused.
    r = h.get(h.companyPath("/unmapped"));
    types = r.json()->getArray("types");
    ASSERT_EQ(types->size(), 2U);
    EXPECT_EQ(types->getObject(0)->getValue<std::string>("amount_description"), "Brand Registry Bonus");
    penalty = findType(types, "Seller Fulfilled Prime Penalty");
    EXPECT_EQ(penalty->getValue<std::string>("mapped_to"), "account-fees");
    EXPECT_FALSE(penalty->getValue<std::string>("mapped_to_label").empty());
    r = h.post(h.companyPath("/unmapped/map"), "{" + kind + R"(,"category":"subscription"})");
    EXPECT_EQ(r.status, 400) << r.body;

    // A settlement summarized with the company's mapping now puts those rows on the chosen category.
    const settlement::Mapping mapping = settlement::Mapping::parse(options.mappingText, "mapping");
    settlement::SummarizeOptions summarize;
    summarize.mapping = &mapping;
    std::istringstream in(reportWith("22000000004", "2026-02-10", {{"Seller Fulfilled Prime Penalty", "-1.00"}}));
    const settlement::Summary summary = settlement::summarizeStream(in, "report.txt", summarize);
    EXPECT_TRUE(summary.unmapped.empty());
    EXPECT_EQ(summary.mappingVersion, "builtin-2+admin-1");
    bool onAccountFees = false;
    for (const auto& d : summary.documents)
        for (const auto& l : d.lines) onAccountFees = onAccountFees || (l.category == "account-fees" && l.amount != 0);
    EXPECT_TRUE(onAccountFees);

    EXPECT_EQ(h.get("/api/companies/999/unmapped").status, 404);
}
