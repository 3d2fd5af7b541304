#include "daemon/common/datetime.hpp"

#include <gtest/gtest.h>

#include <string>

namespace settlebridge::common {
namespace {

struct Case {
    const char* text;
    UtcSeconds utc;
};

TEST(ParseDateTime, ReadsEveryAmazonStyle) {
    const Case cases[] = {
        {"2019-05-09 07:10:09 UTC", 1557385809},
        {"09.05.2019 07:10:09 UTC", 1557385809},
        {"2025-10-09T22:07:18+00:00", 1760047638},
        {"2025-10-09T15:07:18-07:00", 1760047638},
        {"2025-10-09T22:07:18Z", 1760047638},
        {"2025-10-10T03:37:18+05:30", 1760047638},
        {"2025-10-10T03:37:18+0530", 1760047638},
        {"2025-10-10T00:07:18+02", 1760047638},
        {"2025-10-09T22:07:18.123Z", 1760047638},
        {"2025-10-09 22:07:18 GMT", 1760047638},
        {"2025-10-09 22:07:18 utc", 1760047638},
        {"2025-10-09 22:07:18+00:00", 1760047638},
        {"26.05.2026", 1779753600},
        {"2025-06-05", 1749081600},
        {"  25.05.2026 12:10:23 UTC  ", 1779711023},
        {"2000-02-29T12:00:00+05:30", 951805800},
        {"1969-12-31 23:59:59 UTC", -1},
        {"1970-01-01T00:00:00Z", 0},
        {"2016-12-31T23:59:60Z", 1483228800},  // leap second folds into the next minute
    };
    for (const Case& c : cases) {
        const auto got = parseDateTime(c.text);
        ASSERT_TRUE(got.has_value()) << c.text;
        EXPECT_EQ(*got, c.utc) << c.text;
    }
}

TEST(ParseDateTime, RejectsImpossibleAmbiguousAndZonelessValues) {
    const char* const cases[] = {
        "",
        "   ",
        "2025-02-30",
        "2025-02-29 00:00:00 UTC",
        "2024-13-01",
        "00.01.2024",
        "2025-06-05 24:00:00 UTC",
        "2025-06-05 23:60:00 UTC",
        "2025-06-05 23:59:61 UTC",
        "2025-10-09T22:07:18",  // no zone: local time is ambiguous
        "2025-10-09 22:07:18",
        "05/06/2025",  // MM/DD or DD/MM?
        "05/06/25",
        "2025-6-5",
        "5.6.2025",
        "2025-06-05 22:07 UTC",
        "2025-06-05T22:07:18+25:00",
        "2025-06-05T22:07:18+05:60",
        "2025-06-05T22:07:18 PST",
        "2025-06-05T22:07:18.Z",
        "2025-06-05Tx",
        "2025-06-05x",
        "garbage",
        "20250605",
        "0999-12-31",  // outside the years the parser keeps (1000..9999)
        "1000-01-01T00:00:00+01:00",
    };
    for (const char* text : cases) {
        EXPECT_FALSE(parseDateTime(text).has_value()) << '"' << text << '"';
    }
    EXPECT_EQ(parseDateTime("2025-06-05 "), parseDateTime("2025-06-05"));  // blanks are trimmed
}

TEST(ParseDate, DateOnly) {
    EXPECT_EQ(parseDate("2025-06-05"), (CivilDate{2025, 6, 5}));
    EXPECT_EQ(parseDate("26.05.2026"), (CivilDate{2026, 5, 26}));
    EXPECT_FALSE(parseDate("2025-06-05 00:00:00 UTC").has_value());
    EXPECT_FALSE(parseDate("31.04.2026").has_value());
}

TEST(Civil, KnownDays) {
    EXPECT_EQ(daysFromCivil(1970, 1, 1), 0);
    EXPECT_EQ(daysFromCivil(1969, 12, 31), -1);
    EXPECT_EQ(daysFromCivil(2000, 3, 1), 11017);
    EXPECT_EQ(daysFromCivil(2025, 6, 5), 20244);
    EXPECT_EQ(daysFromCivil(1, 1, 1), -719162);
    EXPECT_EQ(civilFromDays(0), (CivilDate{1970, 1, 1}));
    EXPECT_EQ(civilFromDays(-1), (CivilDate{1969, 12, 31}));
    EXPECT_EQ(civilFromDays(20244), (CivilDate{2025, 6, 5}));
    EXPECT_EQ(civilFromDays(11016), (CivilDate{2000, 2, 29}));
}

TEST(Civil, RoundTripsAndStaysContiguousOverSixThousandYears) {
    CivilDate previous = civilFromDays(-1100000);
    ASSERT_EQ(daysFromCivil(previous), -1100000);
    for (std::int64_t d = -1099999; d <= 1100000; ++d) {
        const CivilDate c = civilFromDays(d);
        ASSERT_TRUE(isValidDate(c.year, c.month, c.day)) << d;
        ASSERT_EQ(daysFromCivil(c), d);
        // The next day of `previous`, computed by hand.
        CivilDate next = previous;
        if (++next.day > daysInMonth(next.year, next.month)) {
            next.day = 1;
            if (++next.month > 12) {
                next.month = 1;
                ++next.year;
            }
        }
        ASSERT_EQ(c, next) << d;
        previous = c;
    }
}

TEST(Civil, LeapYearsAndMonthLengths) {
    EXPECT_TRUE(isLeapYear(2000));
    EXPECT_TRUE(isLeapYear(2024));
    EXPECT_FALSE(isLeapYear(1900));
    EXPECT_FALSE(isLeapYear(2025));
    EXPECT_EQ(daysInMonth(2024, 2), 29U);
    EXPECT_EQ(daysInMonth(2025, 2), 28U);
    EXPECT_EQ(daysInMonth(2025, 4), 30U);
    EXPECT_EQ(daysInMonth(2025, 12), 31U);
    EXPECT_EQ(daysInMonth(2025, 0), 0U);
    EXPECT_EQ(daysInMonth(2025, 13), 0U);
    EXPECT_FALSE(isValidDate(2025, 2, 29));
    EXPECT_TRUE(isValidDate(2024, 2, 29));
    EXPECT_FALSE(isValidDate(2025, 1, 0));
}

TEST(Civil, UtcSplitAndJoin) {
    const CivilDateTime c = civilFromUtc(1760047638);
    EXPECT_EQ(c.date, (CivilDate{2025, 10, 9}));
    EXPECT_EQ(c.hour, 22U);
    EXPECT_EQ(c.minute, 7U);
    EXPECT_EQ(c.second, 18U);
    EXPECT_EQ(utcFromCivil(c), 1760047638);
    const CivilDateTime before = civilFromUtc(-1);
    EXPECT_EQ(before.date, (CivilDate{1969, 12, 31}));
    EXPECT_EQ(before.hour, 23U);
    EXPECT_EQ(before.second, 59U);
    EXPECT_EQ(utcFromCivil(before), -1);
    EXPECT_EQ(floorDiv(-1, 86400), -1);
    EXPECT_EQ(floorMod(-1, 86400), 86399);
    EXPECT_EQ(floorDiv(86400, 86400), 1);
}

TEST(Format, DatesAndTimes) {
    EXPECT_EQ(formatDate(CivilDate{2025, 6, 5}), "2025-06-05");
    EXPECT_EQ(formatYearMonth(CivilDate{2025, 6, 5}), "2025-06");
    EXPECT_EQ(formatUtcDate(1760047638), "2025-10-09");
    EXPECT_EQ(formatUtcDate(-1), "1969-12-31");
    EXPECT_EQ(formatUtcDateTime(1760047638), "2025-10-09 22:07:18 UTC");
    EXPECT_EQ(formatIsoUtc(1760047638), "2025-10-09T22:07:18+00:00");
    for (const UtcSeconds t : {UtcSeconds{0}, UtcSeconds{1760047638}, UtcSeconds{-86401}, UtcSeconds{951805800}}) {
        EXPECT_EQ(parseDateTime(formatUtcDateTime(t)), t);
        EXPECT_EQ(parseDateTime(formatIsoUtc(t)), t);
    }
}

}  // namespace
}  // namespace settlebridge::common
