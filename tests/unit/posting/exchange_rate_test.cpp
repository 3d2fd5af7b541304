// One exchange rate per foreign-currency settlement, and the sales tax code every line carries (docs/POSTING.md,
// "Exchange rates", "Editions"): the pure decisions.

#include "daemon/posting/exchange_rate.hpp"

#include <gtest/gtest.h>

#include "daemon/posting/tax_codes.hpp"

namespace settlebridge::posting {
namespace {

TEST(CanonicalRate, KeepsExactDecimalsAndRefusesAnythingElse) {
    EXPECT_EQ(canonicalRate("0.7312"), "0.7312");
    EXPECT_EQ(canonicalRate(" 1.36750000 "), "1.3675");
    EXPECT_EQ(canonicalRate("0001.50"), "1.5");
    EXPECT_EQ(canonicalRate("145"), "145");
    EXPECT_EQ(canonicalRate("145."), "145");
    EXPECT_EQ(canonicalRate(".5"), "0.5");
    EXPECT_EQ(canonicalRate("9999999999.9999999999"), "9999999999.9999999999");
    // More than 10 decimals: rounded half up on the digits, exactly (no floating point).
    EXPECT_EQ(canonicalRate("0.123456789049"), "0.123456789");
    EXPECT_EQ(canonicalRate("0.123456789050"), "0.1234567891");
    EXPECT_EQ(canonicalRate("0.99999999995"), "1");
    EXPECT_EQ(canonicalRate("0.00000000004"), std::nullopt) << "rounds to zero";
    for (const char* bad : {"", " ", ".", "0", "0.000", "-0.73", "+0.73", "0,7312", "7.3e-1", "1.2.3", "abc",
                            "12345678901", "99999999999.5", "0x10", "NaN"}) {
        EXPECT_EQ(canonicalRate(bad), std::nullopt) << bad;
    }
}

TEST(DaysBetween, CountsCalendarDays) {
    EXPECT_EQ(daysBetween("2025-01-31", "2025-02-07"), 7);
    EXPECT_EQ(daysBetween("2024-02-28", "2024-03-01"), 2) << "leap year";
    EXPECT_EQ(daysBetween("2025-02-07", "2025-01-31"), -7);
    EXPECT_EQ(daysBetween("2025-02-30", "2025-03-01"), std::nullopt);
    EXPECT_EQ(daysBetween("", "2025-03-01"), std::nullopt);
    EXPECT_EQ(daysBetween("2025/01/31", "2025-03-01"), std::nullopt);
}

RateContext cad() {
    RateContext ctx;
    ctx.settlementId = "24288684721";
    ctx.settlementEnd = "2025-02-07";
    ctx.currency = "CAD";
    ctx.currencyName = "Canadian Dollar";
    ctx.homeCurrency = "USD";
    ctx.companyName = "acme";
    ctx.maxAgeDays = 7;
    return ctx;
}

TEST(DecideRate, FreezesQuickBooksRateWhenRecentEnough) {
    const store::CurrencyRate read{"CAD", "0.7312", "2025-01-31", 100};
    const RateDecision d = decideRate(&read, cad(), 42, 1000);
    ASSERT_TRUE(d.rate.has_value()) << d.holdMessage;
    EXPECT_EQ(d.rate->rate, "0.7312");
    EXPECT_EQ(d.rate->asOf, "2025-01-31");
    EXPECT_EQ(d.rate->source, "quickbooks");
    EXPECT_EQ(d.rate->settlementRow, 42);
    EXPECT_EQ(d.rate->homeCurrency, "USD");
    EXPECT_EQ(describeRate(*d.rate), "1 CAD = 0.7312 USD (QuickBooks' rate as of 2025-01-31)");
    const store::CurrencyRate later{"CAD", "0.7312", "2025-03-01", 100};
    EXPECT_TRUE(decideRate(&later, cad(), 42, 1000).rate.has_value()) << "a rate newer than the end is fine";
}

TEST(DecideRate, HoldsWithoutARateOrWithAnOldOne) {
    const RateDecision none = decideRate(nullptr, cad(), 42, 1000);
    EXPECT_FALSE(none.rate.has_value());
    EXPECT_EQ(none.holdMessage,
              "QuickBooks has no exchange rate for Canadian Dollar (CAD) in its currency list, and every document of "
              "settlement 24288684721 carries one stated rate. Enter the rate in QuickBooks (Lists > Currency List), "
              "then approve the settlement again, or approve the settlement with the rate to use (USD per CAD): "
              "settlebridge approve 24288684721 --company acme --exchange-rate RATE.");
    const store::CurrencyRate empty{"CAD", "", "", 100};
    EXPECT_FALSE(decideRate(&empty, cad(), 42, 1000).rate.has_value());

    const store::CurrencyRate old{"CAD", "0.7312", "2025-01-30", 100};
    const RateDecision stale = decideRate(&old, cad(), 42, 1000);
    EXPECT_FALSE(stale.rate.has_value());
    EXPECT_NE(stale.holdMessage.find("is 0.7312 as of 2025-01-30, 8 days before the end of settlement 24288684721 "
                                     "(2025-02-07); the limit is 7 days (setting exchange-rate-max-age-days)"),
              std::string::npos)
        << stale.holdMessage;
    RateContext lenient = cad();
    lenient.maxAgeDays = 8;
    EXPECT_TRUE(decideRate(&old, lenient, 42, 1000).rate.has_value());

    const store::CurrencyRate undated{"CAD", "0.7312", "", 100};
    const RateDecision noDate = decideRate(&undated, cad(), 42, 1000);
    EXPECT_FALSE(noDate.rate.has_value());
    EXPECT_NE(noDate.holdMessage.find("has no date"), std::string::npos);
}

TEST(TaxCodes, TheCodeMustBeTheFilesAndNonTaxable) {
    const std::vector<store::SalesTaxCode> canada{{"E", false, "Exempt"}, {"G", true, "GST"}, {"Z", false, ""}};
    EXPECT_EQ(taxCodeProblem("E", canada), "");
    EXPECT_EQ(taxCodeProblem("z", canada), "") << "QuickBooks compares names without case";
    EXPECT_EQ(taxCodeProblem("Non", canada),
              "The sales tax code \"Non\" that Settlebridge writes on every line (QuickBooks' default non-taxable "
              "code) is not in this company file's sales tax code list (E (non-taxable), G (taxable), Z "
              "(non-taxable)), so QuickBooks would refuse the document. Choose a non-taxable code as the default in "
              "QuickBooks (Edit > Preferences > Sales Tax: the non-taxable item code), then approve the settlement "
              "again.");
    EXPECT_NE(taxCodeProblem("G", canada).find("is taxable in this company file"), std::string::npos);
    EXPECT_NE(taxCodeProblem("Non", {}).find("code list (none)"), std::string::npos);
}

}  // namespace
}  // namespace settlebridge::posting
