#include "daemon/common/datetime.hpp"

#include <cstdio>

#include "daemon/common/text.hpp"

namespace settlebridge::common {
namespace {

constexpr std::int64_t kSecondsPerDay = 86400;

constexpr bool isDigit(char c) noexcept { return c >= '0' && c <= '9'; }

/// Reads exactly `count` digits at `pos`; advances pos. -1 when they are not all digits.
int readDigits(std::string_view s, std::size_t& pos, std::size_t count) noexcept {
    if (s.size() - pos < count) return -1;
    int value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const char c = s[pos + i];
        if (!isDigit(c)) return -1;
        value = value * 10 + (c - '0');
    }
    pos += count;
    return value;
}

bool expect(std::string_view s, std::size_t& pos, char c) noexcept {
    if (pos < s.size() && s[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

/// Reads `YYYY-MM-DD` or `DD.MM.YYYY` at pos.
std::optional<CivilDate> readDate(std::string_view s, std::size_t& pos) noexcept {
    int year;
    int month;
    int day;
    if (s.size() - pos >= 5 && s[pos + 4] == '-') {
        year = readDigits(s, pos, 4);
        if (year < 0 || !expect(s, pos, '-')) return std::nullopt;
        month = readDigits(s, pos, 2);
        if (month < 0 || !expect(s, pos, '-')) return std::nullopt;
        day = readDigits(s, pos, 2);
    } else if (s.size() - pos >= 3 && s[pos + 2] == '.') {
        day = readDigits(s, pos, 2);
        if (day < 0 || !expect(s, pos, '.')) return std::nullopt;
        month = readDigits(s, pos, 2);
        if (month < 0 || !expect(s, pos, '.')) return std::nullopt;
        year = readDigits(s, pos, 4);
    } else {
        return std::nullopt;
    }
    if (year < 0 || day < 0) return std::nullopt;
    if (!isValidDate(year, static_cast<unsigned>(month), static_cast<unsigned>(day))) return std::nullopt;
    return CivilDate{year, static_cast<unsigned>(month), static_cast<unsigned>(day)};
}

/// Reads the zone designator that ends a date-time: `UTC`, `GMT`, `Z`, `+HH:MM`, `+HHMM`, `+HH` (optionally
/// after one blank). Returns the offset east of UTC in seconds; nullopt when there is none or it is malformed.
std::optional<std::int64_t> readZone(std::string_view s, std::size_t pos) noexcept {
    if (pos < s.size() && s[pos] == ' ') ++pos;
    const std::string_view rest = s.substr(pos);
    if (equalsIgnoreCaseAscii(rest, "UTC") || equalsIgnoreCaseAscii(rest, "GMT") || equalsIgnoreCaseAscii(rest, "Z")) return 0;
    if (rest.empty() || (rest[0] != '+' && rest[0] != '-')) return std::nullopt;
    const std::int64_t sign = rest[0] == '-' ? -1 : 1;
    std::size_t p = 1;
    const int hours = readDigits(rest, p, 2);
    if (hours < 0 || hours > 23) return std::nullopt;
    int minutes = 0;
    if (p < rest.size()) {
        if (rest[p] == ':') ++p;
        minutes = readDigits(rest, p, 2);
        if (minutes < 0 || minutes > 59 || p != rest.size()) return std::nullopt;
    }
    return sign * (std::int64_t{hours} * 3600 + std::int64_t{minutes} * 60);
}

// Results are kept within years 1000..9999 so that every accepted instant formats back to 4-digit years.
const UtcSeconds kEarliest = daysFromCivil(1000, 1, 1) * kSecondsPerDay;
const UtcSeconds kLatest = daysFromCivil(10000, 1, 1) * kSecondsPerDay - 1;

std::string twoDigits(unsigned v) {
    std::string s(2, '0');
    s[0] = static_cast<char>('0' + (v / 10) % 10);
    s[1] = static_cast<char>('0' + v % 10);
    return s;
}

}  // namespace

std::int64_t daysFromCivil(int year, unsigned month, unsigned day) noexcept {
    // Count from 0000-03-01 so that the leap day ends each 4/100/400-year cycle ("eras" of 146097 days).
    const std::int64_t y = std::int64_t{year} - (month <= 2 ? 1 : 0);
    const std::int64_t era = floorDiv(y, 400);
    const std::int64_t yearOfEra = y - era * 400;                                         // 0..399
    const std::int64_t shiftedMonth = month > 2 ? month - 3 : month + 9;                  // March = 0
    const std::int64_t dayOfYear = (153 * shiftedMonth + 2) / 5 + std::int64_t{day} - 1;  // 0..365
    const std::int64_t dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + dayOfEra - 719468;  // 719468 = days from 0000-03-01 to 1970-01-01
}

CivilDate civilFromDays(std::int64_t days) noexcept {
    const std::int64_t z = days + 719468;
    const std::int64_t era = floorDiv(z, 146097);
    const std::int64_t dayOfEra = z - era * 146097;  // 0..146096
    const std::int64_t yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;  // 0..399
    const std::int64_t dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);             // 0..365
    const std::int64_t shiftedMonth = (5 * dayOfYear + 2) / 153;  // March = 0
    const std::int64_t day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1;
    const std::int64_t month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
    const std::int64_t year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    return CivilDate{static_cast<int>(year), static_cast<unsigned>(month), static_cast<unsigned>(day)};
}

bool isLeapYear(int year) noexcept { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

unsigned daysInMonth(int year, unsigned month) noexcept {
    static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) return 0;
    return month == 2 && isLeapYear(year) ? 29U : kDays[month - 1];
}

bool isValidDate(int year, unsigned month, unsigned day) noexcept {
    return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

CivilDateTime civilFromUtc(UtcSeconds utc) noexcept {
    const std::int64_t days = floorDiv(utc, kSecondsPerDay);
    const std::int64_t secondOfDay = utc - days * kSecondsPerDay;
    CivilDateTime result;
    result.date = civilFromDays(days);
    result.hour = static_cast<unsigned>(secondOfDay / 3600);
    result.minute = static_cast<unsigned>(secondOfDay / 60 % 60);
    result.second = static_cast<unsigned>(secondOfDay % 60);
    return result;
}

UtcSeconds utcFromCivil(const CivilDateTime& civil) noexcept {
    return daysFromCivil(civil.date) * kSecondsPerDay + std::int64_t{civil.hour} * 3600 +
           std::int64_t{civil.minute} * 60 + std::int64_t{civil.second};
}

std::string formatDate(const CivilDate& date) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", date.year, date.month % 100, date.day % 100);
    return buffer;
}

std::string formatYearMonth(const CivilDate& date) {
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u", date.year, date.month % 100);
    return buffer;
}

std::string formatUtcDate(UtcSeconds utc) { return formatDate(civilFromDays(floorDiv(utc, kSecondsPerDay))); }

std::string formatUtcDateTime(UtcSeconds utc) {
    const CivilDateTime c = civilFromUtc(utc);
    return formatDate(c.date) + ' ' + twoDigits(c.hour) + ':' + twoDigits(c.minute) + ':' + twoDigits(c.second) +
           " UTC";
}

std::string formatIsoUtc(UtcSeconds utc) {
    const CivilDateTime c = civilFromUtc(utc);
    return formatDate(c.date) + 'T' + twoDigits(c.hour) + ':' + twoDigits(c.minute) + ':' + twoDigits(c.second) +
           "+00:00";
}

std::optional<CivilDate> parseDate(std::string_view text) noexcept {
    text = trimBlanks(text);
    std::size_t pos = 0;
    const auto date = readDate(text, pos);
    if (!date || pos != text.size()) return std::nullopt;
    return date;
}

std::optional<UtcSeconds> parseDateTime(std::string_view text) noexcept {
    text = trimBlanks(text);

    std::size_t pos = 0;
    const auto date = readDate(text, pos);
    if (!date) return std::nullopt;
    std::int64_t utc = daysFromCivil(*date) * kSecondsPerDay;
    if (pos != text.size()) {
        if (text[pos] != ' ' && text[pos] != 'T') return std::nullopt;
        ++pos;
        const int hour = readDigits(text, pos, 2);
        if (hour < 0 || hour > 23 || !expect(text, pos, ':')) return std::nullopt;
        const int minute = readDigits(text, pos, 2);
        if (minute < 0 || minute > 59 || !expect(text, pos, ':')) return std::nullopt;
        const int second = readDigits(text, pos, 2);
        if (second < 0 || second > 60) return std::nullopt;
        if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {  // fractional seconds: truncated
            ++pos;
            const std::size_t start = pos;
            while (pos < text.size() && isDigit(text[pos])) ++pos;
            if (pos == start) return std::nullopt;
        }
        const auto offset = readZone(text, pos);
        if (!offset) return std::nullopt;
        utc += std::int64_t{hour} * 3600 + std::int64_t{minute} * 60 + second - *offset;
    }
    if (utc < kEarliest || utc > kLatest) return std::nullopt;
    return utc;
}

}  // namespace settlebridge::common
