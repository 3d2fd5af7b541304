#include "daemon/settlement/timezone.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace settlebridge::settlement {
namespace {

common::UtcSeconds utc(int y, unsigned mo, unsigned d, unsigned h = 0, unsigned mi = 0, unsigned s = 0) {
    return common::utcFromCivil(common::CivilDateTime{common::CivilDate{y, mo, d}, h, mi, s});
}

std::string local(const TimeZone& zone, common::UtcSeconds t) {
    const common::CivilDateTime c = zone.toLocal(t);
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u %02u:%02u:%02u", c.date.year, c.date.month, c.date.day, c.hour,
                  c.minute, c.second);
    return buffer;
}

/// A scratch directory removed at the end of the test.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        path = std::filesystem::temp_directory_path() /
               ("settlebridge-tz-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
    void write(const std::string& name, const std::string& bytes) const {
        std::filesystem::create_directories((path / name).parent_path());
        std::ofstream(path / name, std::ios::binary) << bytes;
    }
};

void be32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xFF));
}
void be64(std::string& out, std::int64_t v) {
    be32(out, static_cast<std::uint32_t>(static_cast<std::uint64_t>(v) >> 32));
    be32(out, static_cast<std::uint32_t>(static_cast<std::uint64_t>(v) & 0xFFFFFFFFu));
}

/// A TZif file with one transition at `at` from type 0 (offset0) to type 1 (offset1); v1 or v2 with `footer`.
std::string makeTzif(char version, std::int64_t at, std::int32_t offset0, std::int32_t offset1, const std::string& footer) {
    const std::string chars = std::string("AAA") + '\0' + "BBB" + '\0';
    auto header = [&](std::string& out) {
        out += "TZif";
        out.push_back(version);
        out += std::string(15, '\0');
        be32(out, 0);  // isut
        be32(out, 0);  // isstd
        be32(out, 0);  // leap
        be32(out, 1);  // time
        be32(out, 2);  // type
        be32(out, static_cast<std::uint32_t>(chars.size()));
    };
    auto block = [&](std::string& out, bool wide) {
        if (wide) be64(out, at);
        else be32(out, static_cast<std::uint32_t>(static_cast<std::int32_t>(at)));
        out.push_back('\1');
        be32(out, static_cast<std::uint32_t>(offset0));
        out.push_back('\0');
        out.push_back('\0');
        be32(out, static_cast<std::uint32_t>(offset1));
        out.push_back('\0');
        out.push_back('\4');
        out += chars;
    };
    std::string out;
    header(out);
    block(out, false);
    if (version != '\0') {
        header(out);
        block(out, true);
        out += "\n" + footer + "\n";
    }
    return out;
}

TEST(TimeZone, LosAngelesDstEndsOnAMonthEnd) {
    // 2026-11-01 is the first Sunday of November: the month begins at midnight PDT, DST ends two hours later.
    const TimeZone la = TimeZone::load("America/Los_Angeles");
    EXPECT_EQ(local(la, utc(2026, 11, 1, 6, 59, 59)), "2026-10-31 23:59:59");
    EXPECT_EQ(local(la, utc(2026, 11, 1, 7, 0, 0)), "2026-11-01 00:00:00");
    EXPECT_EQ(local(la, utc(2026, 11, 1, 8, 59, 59)), "2026-11-01 01:59:59");
    EXPECT_EQ(local(la, utc(2026, 11, 1, 9, 0, 0)), "2026-11-01 01:00:00");  // the hour repeats, now PST
    EXPECT_EQ(la.offsetAt(utc(2026, 11, 1, 8, 59, 59)).utcOffset, -7 * 3600);
    EXPECT_TRUE(la.offsetAt(utc(2026, 11, 1, 8, 59, 59)).isDst);
    EXPECT_EQ(la.offsetAt(utc(2026, 11, 1, 9)).utcOffset, -8 * 3600);
    EXPECT_EQ(la.offsetAt(utc(2026, 11, 1, 9)).abbreviation, "PST");
    EXPECT_EQ(la.offsetAt(utc(2026, 11, 1, 9)).validFrom, utc(2026, 11, 1, 9));
    EXPECT_EQ(la.startOfLocalDay(common::CivilDate{2026, 11, 1}), utc(2026, 11, 1, 7));
    EXPECT_EQ(la.startOfLocalDay(common::CivilDate{2026, 12, 1}), utc(2026, 12, 1, 8));
}

TEST(TimeZone, LosAngelesSettlementEndsAreTheDayBefore) {
    // Amazon.ca settlements end at 22:07:18 UTC: still the same day in Pacific time, summer and winter.
    const TimeZone la = TimeZone::load("America/Los_Angeles");
    EXPECT_EQ(la.localDate(utc(2025, 7, 31, 22, 7, 18)), (common::CivilDate{2025, 7, 31}));
    EXPECT_EQ(la.localDate(utc(2025, 8, 1, 3, 30)), (common::CivilDate{2025, 7, 31}));  // a July sale in Pacific time
    EXPECT_EQ(la.localDate(utc(2025, 12, 1, 7, 59, 59)), (common::CivilDate{2025, 11, 30}));
    EXPECT_EQ(la.localDate(utc(2025, 12, 1, 8)), (common::CivilDate{2025, 12, 1}));
    EXPECT_EQ(local(la, utc(2024, 3, 10, 9, 59, 59)), "2024-03-10 01:59:59");
    EXPECT_EQ(local(la, utc(2024, 3, 10, 10)), "2024-03-10 03:00:00");  // spring forward
}

TEST(TimeZone, KolkataIsFiveThirtyAhead) {
    const TimeZone kolkata = TimeZone::load("Asia/Kolkata");
    EXPECT_EQ(kolkata.offsetAt(utc(2026, 5, 26, 4, 45, 29)).utcOffset, 5 * 3600 + 30 * 60);
    EXPECT_EQ(local(kolkata, utc(2026, 5, 31, 18, 29, 59)), "2026-05-31 23:59:59");
    EXPECT_EQ(local(kolkata, utc(2026, 5, 31, 18, 30)), "2026-06-01 00:00:00");
    EXPECT_EQ(kolkata.startOfLocalDay(common::CivilDate{2026, 6, 1}), utc(2026, 5, 31, 18, 30));
    EXPECT_FALSE(kolkata.offsetAt(utc(2030, 1, 1)).isDst);
    EXPECT_EQ(kolkata.offsetAt(utc(2030, 1, 1)).abbreviation, "IST");
}

TEST(TimeZone, FooterRuleAgreesWithTheFileFarAhead) {
    // Beyond the file's last transition the POSIX footer takes over; it must agree with a zone built from the
    // same rule alone, every 6 hours for ten years, and far in the future.
    const TimeZone la = TimeZone::load("America/Los_Angeles");
    const TimeZone rule = TimeZone::fromPosixRule("PST8PDT,M3.2.0,M11.1.0", "rule");
    for (common::UtcSeconds t = utc(2030, 1, 1); t < utc(2040, 1, 1); t += 6 * 3600) {
        ASSERT_EQ(la.offsetAt(t).utcOffset, rule.offsetAt(t).utcOffset) << t;
    }
    EXPECT_EQ(local(la, utc(2100, 7, 4, 19)), "2100-07-04 12:00:00");
    EXPECT_EQ(local(la, utc(2100, 12, 25, 20)), "2100-12-25 12:00:00");
}

TEST(TimeZone, SouthernHemisphereRule) {
    const TimeZone sydney = TimeZone::load("Australia/Sydney");
    EXPECT_EQ(sydney.offsetAt(utc(2026, 1, 15)).utcOffset, 11 * 3600);
    EXPECT_EQ(sydney.offsetAt(utc(2026, 7, 15)).utcOffset, 10 * 3600);
    // DST starts on the first Sunday of October 2025 (the 5th) at 02:00 AEST = 16:00 UTC on the 4th.
    EXPECT_EQ(local(sydney, utc(2025, 10, 4, 15, 59, 59)), "2025-10-05 01:59:59");
    EXPECT_EQ(local(sydney, utc(2025, 10, 4, 16)), "2025-10-05 03:00:00");
    const TimeZone rule = TimeZone::fromPosixRule("AEST-10AEDT,M10.1.0,M4.1.0/3", "rule");
    for (common::UtcSeconds t = utc(2035, 1, 1); t < utc(2045, 1, 1); t += 5 * 3600) ASSERT_EQ(sydney.offsetAt(t).utcOffset, rule.offsetAt(t).utcOffset);
}

TEST(TimeZone, PosixRuleForms) {
    const TimeZone allYear = TimeZone::fromPosixRule("EST5EDT,0/0,J365/25", "all-year");  // RFC 8536 3.3.1
    EXPECT_EQ(allYear.offsetAt(utc(2025, 1, 1, 0, 0, 1)).utcOffset, -4 * 3600);
    EXPECT_EQ(allYear.offsetAt(utc(2025, 7, 1)).utcOffset, -4 * 3600);
    EXPECT_EQ(allYear.offsetAt(utc(2025, 12, 31, 23, 59)).utcOffset, -4 * 3600);
    EXPECT_EQ(allYear.offsetAt(utc(2026, 1, 1, 4, 30)).utcOffset, -4 * 3600);

    const TimeZone fixed = TimeZone::fromPosixRule("<+0545>-5:45", "nepal-like");
    EXPECT_EQ(fixed.offsetAt(utc(2025, 1, 1)).utcOffset, 5 * 3600 + 45 * 60);
    EXPECT_EQ(fixed.offsetAt(utc(2025, 1, 1)).abbreviation, "+0545");

    // Negative transition times (RFC 8536 extension, e.g. America/Nuuk's "M3.5.0/-2").
    const TimeZone nuuk = TimeZone::fromPosixRule("<-02>2<-01>,M3.5.0/-1,M10.5.0/0", "nuuk-like");
    EXPECT_EQ(nuuk.offsetAt(utc(2026, 7, 1)).utcOffset, -1 * 3600);
    EXPECT_EQ(nuuk.offsetAt(utc(2026, 1, 1)).utcOffset, -2 * 3600);

    // Julian day without leap days: J60 is March 1 in every year.
    const TimeZone julian = TimeZone::fromPosixRule("AAA0BBB,J60/0,J300/0", "julian");
    EXPECT_FALSE(julian.offsetAt(utc(2024, 2, 29, 12)).isDst);
    EXPECT_TRUE(julian.offsetAt(utc(2024, 3, 1, 0, 0, 1)).isDst);
}

TEST(TimeZone, MidnightGapStartsTheDayAtTheTransition) {
    // DST begins at 00:00 local: local midnight of that day never happens; the day starts at the jump.
    const TimeZone zone = TimeZone::fromPosixRule("<-05>5<-04>,M3.2.0/0,M11.1.0/1", "midnight-gap");
    EXPECT_EQ(zone.startOfLocalDay(common::CivilDate{2026, 3, 8}), utc(2026, 3, 8, 5));
    EXPECT_EQ(local(zone, utc(2026, 3, 8, 5)), "2026-03-08 01:00:00");
    EXPECT_EQ(local(zone, utc(2026, 3, 8, 4, 59, 59)), "2026-03-07 23:59:59");
}

TEST(TimeZone, UtcAndDefaults) {
    const TimeZone zone = TimeZone::utc();
    EXPECT_EQ(zone.name(), "UTC");
    EXPECT_EQ(local(zone, utc(2025, 6, 5, 22, 7, 18)), "2025-06-05 22:07:18");
    EXPECT_EQ(TimeZone::load("UTC").offsetAt(utc(2025, 1, 1)).utcOffset, 0);

    EXPECT_EQ(defaultZoneForMarketplace("Amazon.com"), "America/Los_Angeles");
    EXPECT_EQ(defaultZoneForMarketplace("Amazon.ca"), "America/Los_Angeles");
    EXPECT_EQ(defaultZoneForMarketplace("Amazon.com.mx"), "America/Los_Angeles");
    EXPECT_EQ(defaultZoneForMarketplace("amazon.co.uk"), "Europe/London");
    EXPECT_EQ(defaultZoneForMarketplace("www.amazon.de"), "Europe/Berlin");
    EXPECT_EQ(defaultZoneForMarketplace("Amazon.in"), "Asia/Kolkata");
    EXPECT_EQ(defaultZoneForMarketplace("Amazon.co.jp"), "Asia/Tokyo");
    EXPECT_EQ(defaultZoneForMarketplace("Amazon.com.au"), "Australia/Sydney");
    EXPECT_EQ(defaultZoneForMarketplace(""), "");
    EXPECT_EQ(defaultZoneForMarketplace("Non-Amazon"), "");
    EXPECT_EQ(defaultZoneForCurrency("CAD"), "America/Los_Angeles");
    EXPECT_EQ(defaultZoneForCurrency("inr"), "Asia/Kolkata");
    EXPECT_EQ(defaultZoneForCurrency("XXX"), "");
    // Every default names a zone that exists here.
    for (const char* name : {"Amazon.com", "amazon.co.uk", "amazon.de", "amazon.fr", "amazon.it", "amazon.es", "amazon.nl",
                             "amazon.se", "amazon.pl", "amazon.com.be", "amazon.ie", "amazon.com.tr", "amazon.com.br",
                             "amazon.sg", "amazon.ae", "amazon.sa", "amazon.eg", "amazon.co.za", "amazon.cn"}) {
        EXPECT_NO_THROW(TimeZone::load(std::string(defaultZoneForMarketplace(name)))) << name;
    }
}

TEST(TimeZone, UnknownAndBadNames) {
    try {
        TimeZone::load("Mars/Olympus_Mons");
        FAIL() << "no error";
    } catch (const TimeZoneError& e) {
        EXPECT_NE(std::string(e.what()).find("unknown time zone \"Mars/Olympus_Mons\""), std::string::npos) << e.what();
    }
    EXPECT_THROW(TimeZone::load("../../etc/passwd"), TimeZoneError);
    EXPECT_THROW(TimeZone::load("/etc/localtime"), TimeZoneError);
    EXPECT_THROW(TimeZone::load(""), TimeZoneError);
    EXPECT_THROW(TimeZone::load("America/Los Angeles"), TimeZoneError);
}

TEST(TimeZone, RootDirectoryIsOverridable) {
    TempDir dir;
    // A made-up zone: +01:00 until 2020-01-01, then +02:00 with no rule after (v2, empty footer).
    dir.write("Test/Step", makeTzif('2', utc(2020, 1, 1), 3600, 7200, ""));
    const TimeZone zone = TimeZone::load("Test/Step", dir.path.string());
    EXPECT_EQ(zone.offsetAt(utc(2019, 12, 31, 22, 59, 59)).utcOffset, 3600);
    EXPECT_EQ(zone.offsetAt(utc(2019, 12, 31, 22, 59, 59)).abbreviation, "AAA");
    EXPECT_EQ(zone.offsetAt(utc(2020, 1, 1)).utcOffset, 7200);
    EXPECT_EQ(zone.offsetAt(utc(2020, 1, 1)).abbreviation, "BBB");
    EXPECT_EQ(zone.offsetAt(utc(2090, 1, 1)).utcOffset, 7200);
    EXPECT_THROW(TimeZone::load("America/Los_Angeles", dir.path.string()), TimeZoneError);
}

TEST(TimeZone, VersionOneFilesAndFooterRules) {
    const TimeZone v1 = TimeZone::fromTzif(makeTzif('\0', utc(2000, 1, 1), 0, -3600, ""), "v1");
    EXPECT_EQ(v1.offsetAt(utc(1999, 12, 31)).utcOffset, 0);
    EXPECT_EQ(v1.offsetAt(utc(2000, 6, 1)).utcOffset, -3600);
    // v3 file whose footer rule governs after the last transition.
    const TimeZone v3 = TimeZone::fromTzif(makeTzif('3', utc(2000, 1, 1), 0, 3600, "CET-1CEST,M3.5.0,M10.5.0/3"), "v3");
    EXPECT_EQ(v3.offsetAt(utc(2025, 1, 15)).utcOffset, 3600);
    EXPECT_EQ(v3.offsetAt(utc(2025, 7, 15)).utcOffset, 7200);
    EXPECT_EQ(v3.offsetAt(utc(2025, 7, 15)).abbreviation, "CEST");
}

TEST(TimeZone, MalformedFilesAreRefused) {
    EXPECT_THROW(TimeZone::fromTzif("", "empty"), TimeZoneError);
    EXPECT_THROW(TimeZone::fromTzif("not a tzif file at all, just some words to be long enough", "text"), TimeZoneError);
    const std::string good = makeTzif('2', utc(2020, 1, 1), 3600, 7200, "");
    EXPECT_THROW(TimeZone::fromTzif(good.substr(0, good.size() - 10), "truncated"), TimeZoneError);
    EXPECT_THROW(TimeZone::fromTzif(good.substr(0, good.size() - 1), "no footer end"), TimeZoneError);
    std::string badType = good;
    // The v2 block's transition type byte sits right after the 8-byte transition time.
    const std::size_t v2Data = 44 + (4 + 1 + 12 + 8) + 44;
    badType[v2Data + 8] = '\7';
    EXPECT_THROW(TimeZone::fromTzif(badType, "bad type"), TimeZoneError);
    EXPECT_THROW(TimeZone::fromTzif(makeTzif('2', utc(2020, 1, 1), 3600, 7200, "XY5"), "bad rule"), TimeZoneError);
    EXPECT_THROW(TimeZone::fromPosixRule("EST", "no offset"), TimeZoneError);
    EXPECT_THROW(TimeZone::fromPosixRule("EST5EDT,M13.1.0,M11.1.0", "bad month"), TimeZoneError);
    EXPECT_THROW(TimeZone::fromPosixRule("EST5EDT,M3.2.0", "one date"), TimeZoneError);
    try {
        TimeZone::fromPosixRule("EST5EDT,M3.2.0,M11.1.0junk", "junk");
        FAIL() << "no error";
    } catch (const TimeZoneError& e) {
        EXPECT_NE(std::string(e.what()).find("junk"), std::string::npos);
    }
}

TEST(TimeZone, RightZonesWithLeapSecondsAreRefused) {
    if (!std::filesystem::exists("/usr/share/zoneinfo/right/UTC")) GTEST_SKIP() << "no right/ zones installed";
    EXPECT_THROW(TimeZone::load("right/UTC"), TimeZoneError);
}

}  // namespace
}  // namespace settlebridge::settlement
