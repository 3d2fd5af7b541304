#pragma once
// Dates as Amazon writes them in settlement reports, and the civil-calendar arithmetic the rest of the
// settlement code needs. Proleptic Gregorian calendar, UTC, no time-zone database (see timezone.hpp for that).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace settlebridge::common {

/// Seconds since the Unix epoch, UTC.
using UtcSeconds = std::int64_t;

/// A calendar day.
struct CivilDate {
    int year = 1970;
    unsigned month = 1;  // 1..12
    unsigned day = 1;    // 1..31
    friend bool operator==(const CivilDate&, const CivilDate&) = default;
};

/// A calendar day plus a time of day.
struct CivilDateTime {
    CivilDate date;
    unsigned hour = 0;    // 0..23
    unsigned minute = 0;  // 0..59
    unsigned second = 0;  // 0..59 (a leap second 60 is accepted on input and folded into the next minute)
    friend bool operator==(const CivilDateTime&, const CivilDateTime&) = default;
};

/// Days since 1970-01-01 of a civil date (negative before). Any year that fits in int; month 1..12, day 1..31
/// (not checked: use isValidDate for that).
std::int64_t daysFromCivil(int year, unsigned month, unsigned day) noexcept;
inline std::int64_t daysFromCivil(const CivilDate& date) noexcept {
    return daysFromCivil(date.year, date.month, date.day);
}

/// The civil date of a day count since 1970-01-01.
CivilDate civilFromDays(std::int64_t days) noexcept;

bool isLeapYear(int year) noexcept;
/// Days in a month (month 1..12), 0 for a month out of range.
unsigned daysInMonth(int year, unsigned month) noexcept;
bool isValidDate(int year, unsigned month, unsigned day) noexcept;

/// Splits a UTC instant into its UTC civil date and time.
CivilDateTime civilFromUtc(UtcSeconds utc) noexcept;
/// The UTC instant of a civil date and time read as UTC.
UtcSeconds utcFromCivil(const CivilDateTime& civil) noexcept;

/// Floor division helpers (exact for negative numbers, unlike `/` and `%`).
constexpr std::int64_t floorDiv(std::int64_t a, std::int64_t b) noexcept {
    return (a / b) - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}
constexpr std::int64_t floorMod(std::int64_t a, std::int64_t b) noexcept { return a - floorDiv(a, b) * b; }

/// `2025-06-05`
std::string formatDate(const CivilDate& date);
/// `2025-06` (a month key)
std::string formatYearMonth(const CivilDate& date);
/// The UTC calendar day of an instant, `2025-06-05`.
std::string formatUtcDate(UtcSeconds utc);
/// `2025-06-05 22:07:18 UTC` (the form Flat File V2 uses for posted-date-time).
std::string formatUtcDateTime(UtcSeconds utc);
/// `2025-06-05T22:07:18+00:00` (ISO 8601).
std::string formatIsoUtc(UtcSeconds utc);

/// Parses a date or date-time as found in settlement reports into a UTC instant:
///   `2019-05-09 07:10:09 UTC`, `09.05.2019 07:10:09 UTC` (also `GMT`, `Z`, `+00:00` instead of `UTC`),
///   ISO 8601 `2025-10-09T22:07:18+00:00`, `...-07:00`, `...+0530`, `...Z`, with optional fractional seconds
///   (truncated), and date-only `26.05.2026` / `2025-06-05` (midnight UTC).
/// Surrounding blanks are ignored. Returns nullopt for anything else, including impossible dates
/// (`2025-02-30`), a time without a zone (local time is ambiguous) and `MM/DD/YY` forms (ambiguous with DD/MM).
std::optional<UtcSeconds> parseDateTime(std::string_view text) noexcept;

/// Parses a date only (`2025-06-05` or `05.06.2025`).
std::optional<CivilDate> parseDate(std::string_view text) noexcept;

}  // namespace settlebridge::common
