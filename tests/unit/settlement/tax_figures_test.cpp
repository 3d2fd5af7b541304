#include "daemon/settlement/tax_figures.hpp"

#include <gtest/gtest.h>

namespace settlebridge::settlement {
namespace {

SummaryLine taxLine(std::string category, Cents amount) {
    SummaryLine line;
    line.category = std::move(category);
    line.amount = amount;
    line.rows = 1;
    return line;
}

// Receipt lines count as they are, credit memo lines reversed (the seller's view); each month part separately.
TEST(TaxFigures, PerPartInTheSellersView) {
    Summary summary;
    summary.parts = {SummaryPart{0, "2025-08", "2025-08-31", 0}, SummaryPart{1, "2025-09", "2025-09-11", 0}};
    SummaryDocument august;
    august.kind = DocumentKind::SalesReceipt;
    august.txnDate = "2025-08-31";
    august.lines = {taxLine("product", 10000), taxLine("product-tax", 1300), taxLine("shipping-tax", 65),
                    taxLine("marketplace-tax-withheld", -700), taxLine("fee-tax", -130)};
    SummaryDocument augustRefunds;
    augustRefunds.kind = DocumentKind::CreditMemo;
    augustRefunds.txnDate = "2025-08-31";
    augustRefunds.lines = {taxLine("product-tax", 260), taxLine("marketplace-tax-withheld", -100)};
    SummaryDocument september;
    september.kind = DocumentKind::SalesReceipt;
    september.txnDate = "2025-09-11";
    september.lines = {taxLine("gift-wrap-tax", 13), taxLine("fee-tax-recoverable", -1809)};
    summary.documents = {august, augustRefunds, september};

    const auto figures = taxFigures(summary);
    ASSERT_EQ(figures.size(), 2U);
    EXPECT_EQ(figures[0].txnDate, "2025-08-31");
    EXPECT_EQ(figures[0].figures.collected, 1300 + 65 - 260);
    EXPECT_EQ(figures[0].figures.remittedByAmazon, 700 - 100);
    EXPECT_EQ(figures[0].figures.toRemit(), 1105 - 600);
    EXPECT_EQ(figures[0].figures.feeTaxExpensed, 130);
    EXPECT_EQ(figures[0].figures.feeTaxRecoverable, 0);
    EXPECT_EQ(figures[1].figures.collected, 13);
    EXPECT_EQ(figures[1].figures.feeTaxRecoverable, 1809);
    EXPECT_EQ(figures[1].figures.feeTax(), 1809);

    TaxFigures total;
    for (const auto& f : figures) total += f.figures;
    EXPECT_EQ(total.collected, 1118);
    EXPECT_EQ(total.feeTax(), 1939);
}

TEST(TaxFigures, EveryPartIsListedEvenWithoutTax) {
    Summary summary;
    summary.parts = {SummaryPart{0, "2025-07", "2025-07-31", -32169}};
    SummaryDocument memo;
    memo.kind = DocumentKind::CreditMemo;
    memo.txnDate = "2025-07-31";
    memo.lines = {taxLine("inbound", 32169)};
    summary.documents = {memo};
    const auto figures = taxFigures(summary);
    ASSERT_EQ(figures.size(), 1U);
    EXPECT_EQ(figures[0].figures.collected, 0);
    EXPECT_EQ(figures[0].figures.feeTax(), 0);
}

}  // namespace
}  // namespace settlebridge::settlement
