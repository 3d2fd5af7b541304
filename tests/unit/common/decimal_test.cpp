// Exact decimal text to cents and counts (daemon/common/decimal.hpp): digit by digit, never a double.

#include "daemon/common/decimal.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace settlebridge::common {
namespace {

TEST(Decimal, ConvertsExactlyWithoutFloatingPoint) {
    EXPECT_EQ(decimalToCents("14.5"), 1450);
    EXPECT_EQ(decimalToCents("9.45"), 945);
    EXPECT_EQ(decimalToCents("0.07"), 7);
    EXPECT_EQ(decimalToCents("-3.2"), -320);
    EXPECT_EQ(decimalToCents("12"), 1200);
    EXPECT_EQ(decimalToCents("  7 "), 700);
    EXPECT_EQ(decimalToCents("1.2E+2"), 12000);
    EXPECT_EQ(decimalToCents("5e-3"), 1);      // 0.005 → 0.01 (half away from zero)
    EXPECT_EQ(decimalToCents("0.004"), 0);
    EXPECT_EQ(decimalToCents("-0.005"), -1);
    EXPECT_EQ(decimalToCents("3.4499999"), 345);
    EXPECT_EQ(decimalToCents("0.285"), 29);    // a double would say 0.28499999...
    EXPECT_EQ(decimalToCents("92233720368547758.07"), INT64_MAX);
    EXPECT_FALSE(decimalToCents("92233720368547758.08"));
    for (const char* bad : {"", "abc", "1,234.56", "1.2.3", "1e", "--1", "0x10", "1e999999999"}) {
        EXPECT_FALSE(decimalToCents(bad).has_value()) << bad;
    }
    EXPECT_EQ(decimalToCount("13"), 13);
    EXPECT_EQ(decimalToCount("13.0"), 13);
    EXPECT_EQ(decimalToCount("1.3e1"), 13);
    EXPECT_FALSE(decimalToCount("13.5"));
}

}  // namespace
}  // namespace settlebridge::common
