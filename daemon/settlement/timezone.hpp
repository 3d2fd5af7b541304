#pragma once
// IANA time zones read from the system's TZif files (RFC 8536), for turning Amazon's UTC instants into the
// company's calendar days. Version 2+ files are read from their 64-bit block; instants after the last
// transition follow the POSIX TZ rule in the file's footer. Version 1 files (32-bit only) are read too.
// Leap-second ("right/") zones are refused.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/datetime.hpp"
#include "daemon/settlement/model.hpp"

namespace settlebridge::settlement {

/// Unknown zone name, unreadable or malformed TZif file, bad POSIX TZ rule.
class TimeZoneError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

inline constexpr std::string_view kDefaultZoneInfoDir = "/usr/share/zoneinfo";

/// The offset in force at an instant and the span of instants over which it stays in force.
struct ZoneOffset {
    std::int32_t utcOffset = 0;  // seconds east of UTC (local = utc + utcOffset)
    bool isDst = false;
    std::string_view abbreviation;  // "PDT"; valid while the TimeZone lives
    common::UtcSeconds validFrom = 0;       // first instant with this offset (INT64_MIN: since ever)
    common::UtcSeconds validUntil = 0;      // first instant after it (INT64_MAX: for ever)
};

class TimeZone {
public:
    /// Loads `name` ("America/Los_Angeles", "UTC", "Asia/Kolkata") from `zoneInfoDir`.
    /// Throws TimeZoneError for a name that is not a plain relative path of letters, digits and "/_-+",
    /// a zone that does not exist, or a file that is not valid TZif.
    static TimeZone load(const std::string& name, const std::string& zoneInfoDir = std::string(kDefaultZoneInfoDir));

    /// UTC itself (needs no file).
    static TimeZone utc();

    /// Parses TZif bytes (for tests and embedded data). `name` only labels errors.
    static TimeZone fromTzif(std::string_view bytes, const std::string& name);

    /// A zone from a POSIX TZ rule alone, e.g. "PST8PDT,M3.2.0,M11.1.0" or "<+0530>-5:30". Throws TimeZoneError.
    static TimeZone fromPosixRule(std::string_view rule, const std::string& name);

    const std::string& name() const noexcept { return name_; }

    /// The offset in force at `utc`, with the interval it holds over.
    ZoneOffset offsetAt(common::UtcSeconds utc) const;

    /// The local civil date and time at `utc`.
    common::CivilDateTime toLocal(common::UtcSeconds utc) const;
    /// The local calendar day at `utc`.
    common::CivilDate localDate(common::UtcSeconds utc) const { return toLocal(utc).date; }

    /// The first instant whose local date is `date` or later (local midnight, or the end of a gap that swallows
    /// it). Used for month boundaries.
    common::UtcSeconds startOfLocalDay(const common::CivilDate& date) const;

private:
    struct Type {
        std::int32_t utcOffset = 0;
        bool isDst = false;
        std::size_t abbreviation = 0;  // index into abbreviations_
    };
    struct RuleTransition {
        common::UtcSeconds at;
        bool toDst;
    };

    ZoneOffset fromRule(common::UtcSeconds utc) const;
    /// The DST start and end of `year` (in that order).
    void ruleTransitionsOfYear(int year, RuleTransition* out) const;
    static void parsePosixRule(std::string_view text, TimeZone& zone);

    std::string name_;
    std::vector<common::UtcSeconds> transitions_;
    std::vector<std::uint8_t> transitionTypes_;
    std::vector<Type> types_;
    std::vector<std::string> abbreviations_;
    // Footer rule (empty when the file has none: the last transition's type then holds for ever).
    bool hasRule_ = false;
    bool ruleHasDst_ = false;
    std::int32_t stdOffset_ = 0;
    std::int32_t dstOffset_ = 0;
    std::size_t stdAbbreviation_ = 0;
    std::size_t dstAbbreviation_ = 0;
    struct RuleDate {
        enum class Form { Julian1, Julian0, MonthWeekDay } form = Form::MonthWeekDay;
        int day = 0;       // J: 1..365, n: 0..365, M: weekday 0..6 (Sunday = 0)
        int month = 0;     // M form: 1..12
        int week = 0;      // M form: 1..5 (5 = last)
        std::int32_t time = 7200;  // seconds after local midnight, -167h..167h
    };
    RuleDate dstStart_;
    RuleDate dstEnd_;
};

/// The time zone Amazon's Seller Central uses for a marketplace ("Amazon.com" -> America/Los_Angeles,
/// "Amazon.co.uk" -> Europe/London, ...; matched without regard to case, with or without "www."). Empty when the
/// marketplace is unknown or empty.
std::string_view defaultZoneForMarketplace(std::string_view marketplaceName) noexcept;

/// The zone of the marketplace a settlement currency belongs to (CAD -> America/Los_Angeles like Amazon.ca,
/// GBP -> Europe/London, EUR -> Europe/Berlin, INR -> Asia/Kolkata, ...). Empty when unknown.
std::string_view defaultZoneForCurrency(std::string_view currency) noexcept;

}  // namespace settlebridge::settlement
