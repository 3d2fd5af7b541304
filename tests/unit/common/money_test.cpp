#include "daemon/common/money.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace settlebridge::common {
namespace {

struct Accepted {
    const char* text;
    Cents cents;
};

TEST(ParseAmount, AcceptsEveryStyleAmazonWrites) {
    const Accepted cases[] = {
        {"1234.56", 123456},
        {"1,234.56", 123456},
        {"1.234,56", 123456},
        {"-1.234,56", -123456},
        {"95,00", 9500},
        {"-12", -1200},
        {"12", 1200},
        {"0.5", 50},
        {"-0.5", -50},
        {"0,5", 50},
        {"+3.10", 310},
        {"32.09    ", 3209},
        {"  -7.50", -750},
        {"\t1141,18\r", 114118},
        {"0.01", 1},
        {"-0.00", 0},
        {"0", 0},
        {"1,234,567.89", 123456789},
        {"1.234.567,89", 123456789},
        {"12,345.6", 1234560},
        {"999,999.99", 99999999},
        {"0123.45", 12345},
        {"9999999999999999.99", 999999999999999999},
    };
    for (const Accepted& c : cases) {
        const auto got = parseAmount(c.text);
        ASSERT_TRUE(got.has_value()) << '"' << c.text << '"';
        EXPECT_EQ(*got, c.cents) << '"' << c.text << '"';
    }
}

TEST(ParseAmount, RejectsAmbiguousAndMalformed) {
    const char* const cases[] = {
        "",
        " ",
        "-",
        "+",
        "1,234",
        "1.234",
        "-1,234",
        "1,234,567",
        "1.234.567",
        "12.345",
        "1.2345",
        "12.",
        "12,",
        ".5",
        "-.5",
        ",50",
        "1,23.45",
        "12,34,567.89",
        "1.234.56",
        "1,234.567",
        "1.234,567",
        "12a",
        "1e3",
        "--1",
        "- 1",
        "1 234,56",
        "0x10",
        "12.3.4",
        "1,2,3",
        "1.234,5.6",
        "0,123.45",
        "01,234.50",
        "12 34",
        "NaN",
        "inf",
        "12,3x",
        "\xC2\xA0"
        "12.00x",
        "10000000000000000.00",
        "1,,234.56",
        "1,.5",
    };
    for (const char* text : cases) {
        EXPECT_FALSE(parseAmount(text).has_value()) << '"' << text << '"';
    }
}

TEST(ParseAmount, FastPathAgreesWithTheGeneralPath) {
    // A leading blank sends any text down the general path; both must agree on every short string over
    // the alphabet that matters.
    const std::string alphabet = "-0159.,+ ";
    std::string text;
    std::size_t checked = 0;
    const auto visit = [&](auto&& self, std::size_t length) -> void {
        if (text.size() == length) {
            const auto fast = parseAmount(text);
            const auto general = parseAmount(" " + text);
            ASSERT_EQ(fast, general) << '"' << text << '"';
            ++checked;
            return;
        }
        for (const char c : alphabet) {
            text.push_back(c);
            self(self, length);
            text.pop_back();
        }
    };
    for (std::size_t length = 1; length <= 6; ++length) visit(visit, length);
    EXPECT_GT(checked, 500000U);
    EXPECT_EQ(parseAmount("12345678901234567.89"), std::nullopt);  // 17 integer digits: refused on both paths
    EXPECT_EQ(parseAmount(" 12345678901234567.89"), std::nullopt);
}

TEST(FormatCents, AlwaysTwoDecimalsNoGrouping) {
    EXPECT_EQ(formatCents(0), "0.00");
    EXPECT_EQ(formatCents(5), "0.05");
    EXPECT_EQ(formatCents(-5), "-0.05");
    EXPECT_EQ(formatCents(50), "0.50");
    EXPECT_EQ(formatCents(-100), "-1.00");
    EXPECT_EQ(formatCents(123456), "1234.56");
    EXPECT_EQ(formatCents(-32169), "-321.69");
    EXPECT_EQ(formatCents(1001566400), "10015664.00");
    EXPECT_EQ(formatCents(std::numeric_limits<Cents>::max()), "92233720368547758.07");
    EXPECT_EQ(formatCents(std::numeric_limits<Cents>::min()), "-92233720368547758.08");
}

TEST(FormatCents, RoundTripsThroughParseAmount) {
    for (Cents c = -250000; c <= 250000; c += 7) {
        const auto back = parseAmount(formatCents(c));
        ASSERT_TRUE(back.has_value()) << c;
        ASSERT_EQ(*back, c);
    }
    for (const Cents c : {Cents{999999999999999999}, Cents{-999999999999999999}, Cents{100000000000}}) {
        EXPECT_EQ(parseAmount(formatCents(c)), c);
    }
}

}  // namespace
}  // namespace settlebridge::common
