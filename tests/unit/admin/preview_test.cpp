// The order previewer's rule (Connex's): the most recent settlement whose end date, a calendar day in the
// company's time zone, is on or before the range's end.
#include <gtest/gtest.h>

#include "daemon/admin/preview.hpp"
#include "tests/unit/admin/admin_harness.hpp"

using settlebridge::admin::selectSettlement;
using settlebridge::admin::SettlementSpan;
using settlebridge::testing::AdminHarness;
using settlebridge::testing::makeReport;

namespace {

std::vector<SettlementSpan> spans() {
    return {{1, "111", "2025-12-16", "2025-12-30", 100}, {2, "222", "2025-12-30", "2026-01-13", 200},
            {3, "333", "2026-01-13", "2026-01-27", 300}};
}

}  // namespace

TEST(PreviewRule, RangeEndingOnASettlementsEndSelectsIt) {
    const auto s = spans();
    const auto sel = selectSettlement(s, "2026-01-13", "2026-01-27");
    ASSERT_TRUE(sel.selected);
    EXPECT_EQ(s[*sel.selected].settlementId, "333");
    ASSERT_EQ(sel.alsoEnding.size(), 1U);
    EXPECT_EQ(s[sel.alsoEnding[0]].settlementId, "222") << "ends 1/13, inside the range";
    EXPECT_NE(sel.reason.find("on or before 2026-01-27"), std::string::npos);
}

TEST(PreviewRule, OneDayShortSelectsThePreviousSettlement) {
    const auto s = spans();
    const auto sel = selectSettlement(s, "2026-01-13", "2026-01-26");
    ASSERT_TRUE(sel.selected);
    EXPECT_EQ(s[*sel.selected].settlementId, "222");
    EXPECT_TRUE(sel.alsoEnding.empty());
}

TEST(PreviewRule, NothingEndsOnOrBeforeTheRangeEnd) {
    const auto s = spans();
    const auto sel = selectSettlement(s, "2025-11-01", "2025-12-29");
    EXPECT_FALSE(sel.selected);
    EXPECT_NE(sel.reason.find("no settlement ends on or before 2025-12-29"), std::string::npos);
    EXPECT_FALSE(selectSettlement({}, "2026-01-01", "2026-01-31").selected);
}

TEST(PreviewRule, ARangeAfterTheLastSettlementStillSelectsItAndSaysSo) {
    const auto s = spans();
    const auto sel = selectSettlement(s, "2026-02-01", "2026-02-14");
    ASSERT_TRUE(sel.selected);
    EXPECT_EQ(s[*sel.selected].settlementId, "333");
    EXPECT_NE(sel.reason.find("ends before the range starts"), std::string::npos);
}

TEST(PreviewApi, SelectsByEndDateAndShowsTheDocumentsAndTheirQbxml) {
    AdminHarness h;
    h.setup();
    ASSERT_EQ(h.import(makeReport("22000000001", "2025-12-30 12:00:00 UTC", "2026-01-13 12:00:00 UTC", "100.00", "-15.00"))
                  .outcome, settlebridge::posting::ImportResult::Outcome::Imported);
    ASSERT_EQ(h.import(makeReport("22000000002", "2026-01-13 12:00:00 UTC", "2026-01-27 12:00:00 UTC", "250.10", "-37.52"))
                  .outcome, settlebridge::posting::ImportResult::Outcome::Imported);

    auto r = h.get(h.companyPath("/preview?from=2026-01-13&to=2026-01-27"));
    ASSERT_EQ(r.status, 200) << r.body;
    auto sel = r.json()->getObject("selected");
    ASSERT_TRUE(sel);
    EXPECT_EQ(sel->getValue<std::string>("settlement_id"), "22000000002");
    EXPECT_EQ(sel->getValue<std::string>("start_date"), "2026-01-13");
    EXPECT_EQ(sel->getValue<std::string>("end_date"), "2026-01-27");
    const auto others = r.json()->getArray("also_ending_in_range");
    ASSERT_EQ(others->size(), 1U);
    EXPECT_EQ(others->getObject(0)->getValue<std::string>("settlement_id"), "22000000001");
    auto rec = sel->getObject("reconciliation");
    EXPECT_EQ(rec->getValue<std::int64_t>("deposit_cents"), 21258);
    EXPECT_EQ(rec->getValue<std::string>("deposit"), "212.58 USD");
    EXPECT_EQ(rec->getValue<std::int64_t>("documents_net_cents"), 21258);
    EXPECT_TRUE(rec->getValue<bool>("reconciled"));
    const auto docs = sel->getArray("documents");
    ASSERT_EQ(docs->size(), 1U);
    const auto receipt = docs->getObject(0);
    EXPECT_EQ(receipt->getValue<std::string>("kind"), "sales_receipt");
    const auto products = receipt->getArray("product_lines");
    ASSERT_EQ(products->size(), 1U);
    EXPECT_EQ(products->getObject(0)->getValue<std::string>("sku"), "SKU-1");
    EXPECT_EQ(products->getObject(0)->getValue<std::string>("amount"), "250.10 USD");
    EXPECT_EQ(receipt->getArray("other_lines")->getObject(0)->getValue<std::string>("category"), "commission");
    EXPECT_EQ(receipt->getValue<std::string>("total"), "212.58 USD");
    const std::string qbxml = sel->getValue<std::string>("qbxml");
    EXPECT_NE(qbxml.find("<SalesReceiptAddRq"), std::string::npos);
    EXPECT_NE(qbxml.find("<Amount>250.10</Amount>"), std::string::npos);
    EXPECT_EQ(sel->getArray("queue")->getObject(0)->getValue<std::string>("state"), "held");

    r = h.get(h.companyPath("/preview?from=2026-01-13&to=2026-01-26"));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.json()->getObject("selected")->getValue<std::string>("settlement_id"), "22000000001");
    EXPECT_EQ(r.json()->getObject("selected")->getValue<std::string>("end_date"), "2026-01-13");

    r = h.get(h.companyPath("/preview?from=2025-12-01&to=2026-01-12"));
    ASSERT_EQ(r.status, 200);
    EXPECT_TRUE(r.json()->isNull("selected"));
    EXPECT_NE(r.json()->getValue<std::string>("reason").find("no settlement ends on or before 2026-01-12"),
              std::string::npos);
}

TEST(PreviewApi, EndDatesAreDaysInTheCompanysTimeZone) {
    AdminHarness h;
    h.setup();
    h.store->write([&](settlebridge::store::Tx& tx) {
        auto c = *tx.companies().find(h.company.id);
        c.timeZone = "America/Los_Angeles";
        tx.companies().update(c, h.now);
        h.company = c;
    });
    // Ends 2026-01-14 05:00 UTC = 2026-01-13 21:00 in Los Angeles.
    h.import(makeReport("22000000003", "2025-12-31 05:00:00 UTC", "2026-01-14 05:00:00 UTC"));
    auto r = h.get(h.companyPath("/preview?from=2026-01-01&to=2026-01-13"));
    ASSERT_EQ(r.status, 200) << r.body;
    ASSERT_FALSE(r.json()->isNull("selected"));
    EXPECT_EQ(r.json()->getObject("selected")->getValue<std::string>("end_date"), "2026-01-13");
}

TEST(PreviewApi, BadRangesAreRefusedWithAMessage) {
    AdminHarness h;
    h.setup();
    auto r = h.get(h.companyPath("/preview?from=2026-01-13"));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.json()->getValue<std::string>("field"), "to");
    r = h.get(h.companyPath("/preview?from=2026-02-30&to=2026-03-01"));
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.error().find("a date like"), std::string::npos);
    r = h.get(h.companyPath("/preview?from=2026-02-10&to=2026-02-01"));
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.error().find("must not be after"), std::string::npos);
    EXPECT_EQ(h.get("/api/companies/999/preview?from=2026-01-01&to=2026-01-02").status, 404);
}
