#include "daemon/settlement/timezone.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>

#include "daemon/common/text.hpp"

namespace settlebridge::settlement {

namespace {

constexpr common::UtcSeconds kMinTime = std::numeric_limits<common::UtcSeconds>::min();
constexpr common::UtcSeconds kMaxTime = std::numeric_limits<common::UtcSeconds>::max();
constexpr std::int64_t kSecondsPerDay = 86400;
constexpr std::size_t kHeaderSize = 44;

std::uint32_t readBe32(std::string_view bytes, std::size_t pos) {
    return (std::uint32_t{static_cast<unsigned char>(bytes[pos])} << 24) |
           (std::uint32_t{static_cast<unsigned char>(bytes[pos + 1])} << 16) |
           (std::uint32_t{static_cast<unsigned char>(bytes[pos + 2])} << 8) |
           std::uint32_t{static_cast<unsigned char>(bytes[pos + 3])};
}

std::int64_t readBe64(std::string_view bytes, std::size_t pos) {
    const std::uint64_t high = readBe32(bytes, pos);
    const std::uint64_t low = readBe32(bytes, pos + 4);
    return static_cast<std::int64_t>((high << 32) | low);
}

bool validZoneName(std::string_view name) noexcept {
    if (name.empty() || name.size() > 255 || name.front() == '/' || name.back() == '/') return false;
    std::size_t start = 0;
    while (start <= name.size()) {
        const std::size_t slash = name.find('/', start);
        const std::string_view part =
            name.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        if (part.empty() || part == "." || part == "..") return false;
        for (const char c : part) {
            const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                            c == '-' || c == '+' || c == '.';
            if (!ok) return false;
        }
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return true;
}

/// Weekday of a day count since 1970-01-01 (a Thursday): 0 = Sunday.
int weekday(std::int64_t days) noexcept { return static_cast<int>(common::floorMod(days + 4, 7)); }

/// Reads the POSIX TZ rule grammar (RFC 8536 section 3.3 extensions included).
class RuleReader {
public:
    RuleReader(std::string_view text, const std::string& zone) : text_(text), zone_(zone) {}

    bool atEnd() const noexcept { return pos_ >= text_.size(); }
    char peek() const noexcept { return atEnd() ? '\0' : text_[pos_]; }
    bool accept(char c) noexcept {
        if (peek() != c) return false;
        ++pos_;
        return true;
    }

    std::string name() {
        std::string out;
        if (accept('<')) {
            while (!atEnd() && peek() != '>') out.push_back(text_[pos_++]);
            if (!accept('>')) fail("unterminated <name>");
        } else {
            while (!atEnd() && ((peek() >= 'A' && peek() <= 'Z') || (peek() >= 'a' && peek() <= 'z')))
                out.push_back(text_[pos_++]);
        }
        if (out.size() < 3) fail("zone abbreviation shorter than 3 characters");
        return out;
    }

    /// [+|-]hh[:mm[:ss]] in seconds (sign as written).
    std::int32_t duration(int maxHours) {
        int sign = 1;
        if (accept('-')) sign = -1;
        else accept('+');
        const int hours = number(0, maxHours);
        int minutes = 0;
        int seconds = 0;
        if (accept(':')) {
            minutes = number(0, 59);
            if (accept(':')) seconds = number(0, 59);
        }
        return static_cast<std::int32_t>(sign * (hours * 3600 + minutes * 60 + seconds));
    }

    int number(int min, int max) {
        if (atEnd() || peek() < '0' || peek() > '9') fail("number expected");
        int value = 0;
        while (!atEnd() && peek() >= '0' && peek() <= '9') {
            value = value * 10 + (text_[pos_++] - '0');
            if (value > max) fail("number out of range");
        }
        if (value < min) fail("number out of range");
        return value;
    }

    [[noreturn]] void fail(const std::string& what) const {
        throw TimeZoneError("time zone " + zone_ + ": bad POSIX TZ rule \"" + std::string(text_) + "\" at character " +
                            std::to_string(pos_ + 1) + ": " + what);
    }

private:
    std::string_view text_;
    const std::string& zone_;
    std::size_t pos_ = 0;
};

struct MarketplaceZone {
    std::string_view key;
    std::string_view zone;
};

// Seller Central's reporting zone per marketplace (US/CA/MX accounts report in Pacific time).
constexpr std::array<MarketplaceZone, 24> kMarketplaceZones{{
    {"amazon.com", "America/Los_Angeles"},   {"amazon.ca", "America/Los_Angeles"},
    {"amazon.com.mx", "America/Los_Angeles"}, {"amazon.com.br", "America/Sao_Paulo"},
    {"amazon.co.uk", "Europe/London"},       {"amazon.ie", "Europe/Dublin"},
    {"amazon.de", "Europe/Berlin"},          {"amazon.fr", "Europe/Paris"},
    {"amazon.it", "Europe/Rome"},            {"amazon.es", "Europe/Madrid"},
    {"amazon.nl", "Europe/Amsterdam"},       {"amazon.se", "Europe/Stockholm"},
    {"amazon.pl", "Europe/Warsaw"},          {"amazon.com.be", "Europe/Brussels"},
    {"amazon.com.tr", "Europe/Istanbul"},    {"amazon.in", "Asia/Kolkata"},
    {"amazon.co.jp", "Asia/Tokyo"},          {"amazon.com.au", "Australia/Sydney"},
    {"amazon.sg", "Asia/Singapore"},         {"amazon.ae", "Asia/Dubai"},
    {"amazon.sa", "Asia/Riyadh"},            {"amazon.eg", "Africa/Cairo"},
    {"amazon.co.za", "Africa/Johannesburg"}, {"amazon.cn", "Asia/Shanghai"},
}};

constexpr std::array<MarketplaceZone, 18> kCurrencyZones{{
    {"USD", "America/Los_Angeles"}, {"CAD", "America/Los_Angeles"}, {"MXN", "America/Los_Angeles"},
    {"BRL", "America/Sao_Paulo"},   {"GBP", "Europe/London"},       {"EUR", "Europe/Berlin"},
    {"SEK", "Europe/Stockholm"},    {"PLN", "Europe/Warsaw"},       {"TRY", "Europe/Istanbul"},
    {"INR", "Asia/Kolkata"},        {"JPY", "Asia/Tokyo"},          {"AUD", "Australia/Sydney"},
    {"SGD", "Asia/Singapore"},      {"AED", "Asia/Dubai"},          {"SAR", "Asia/Riyadh"},
    {"EGP", "Africa/Cairo"},        {"ZAR", "Africa/Johannesburg"}, {"CNY", "Asia/Shanghai"},
}};

}  // namespace

TimeZone TimeZone::utc() {
    TimeZone zone;
    zone.name_ = "UTC";
    zone.types_.push_back(Type{0, false, 0});
    zone.abbreviations_.push_back("UTC");
    return zone;
}

TimeZone TimeZone::load(const std::string& name, const std::string& zoneInfoDir) {
    if (!validZoneName(name)) throw TimeZoneError("\"" + name + "\" is not a time zone name (e.g. America/Los_Angeles)");
    const std::string path = zoneInfoDir + "/" + name;
    std::ifstream in(path, std::ios::binary);
    if (!in) throw TimeZoneError("unknown time zone \"" + name + "\" (no " + path + ")");
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw TimeZoneError("cannot read time zone file " + path);
    return fromTzif(bytes, name);
}

TimeZone TimeZone::fromTzif(std::string_view bytes, const std::string& name) {
    auto fail = [&](const std::string& what) -> TimeZoneError {
        return TimeZoneError("time zone " + name + ": not a valid TZif file (" + what + ")");
    };
    if (bytes.size() < kHeaderSize || bytes.substr(0, 4) != "TZif") throw fail("no TZif header");
    const char version = bytes[4];
    if (version != '\0' && (version < '2' || version > '9')) throw fail("unknown version");

    struct Counts {
        std::size_t isut, isstd, leap, time, type, chars;
    };
    auto readCounts = [&](std::size_t at) -> Counts {
        if (bytes.size() < at + kHeaderSize || bytes.substr(at, 4) != "TZif") throw fail("truncated header");
        return Counts{readBe32(bytes, at + 20), readBe32(bytes, at + 24), readBe32(bytes, at + 28),
                      readBe32(bytes, at + 32), readBe32(bytes, at + 36), readBe32(bytes, at + 40)};
    };

    Counts counts = readCounts(0);
    std::size_t timeSize = 4;
    std::size_t at = kHeaderSize;
    if (version != '\0') {
        const std::size_t v1Block = counts.time * 5 + counts.type * 6 + counts.chars + counts.leap * 8 + counts.isstd +
                                    counts.isut;
        if (bytes.size() < at + v1Block) throw fail("truncated version 1 block");
        at += v1Block;
        counts = readCounts(at);
        at += kHeaderSize;
        timeSize = 8;
    }
    if (counts.leap != 0) throw fail("leap-second zones are not supported");
    if (counts.type == 0 || counts.type > 256 || counts.chars == 0) throw fail("no local time types");
    const std::size_t block = counts.time * (timeSize + 1) + counts.type * 6 + counts.chars +
                              counts.leap * (timeSize + 4) + counts.isstd + counts.isut;
    if (bytes.size() < at + block) throw fail("truncated data block");

    TimeZone zone;
    zone.name_ = name;
    zone.transitions_.reserve(counts.time);
    for (std::size_t i = 0; i < counts.time; ++i) {
        const std::size_t p = at + i * timeSize;
        const common::UtcSeconds t = timeSize == 8 ? readBe64(bytes, p) : static_cast<std::int32_t>(readBe32(bytes, p));
        if (!zone.transitions_.empty() && t <= zone.transitions_.back()) throw fail("transitions out of order");
        zone.transitions_.push_back(t);
    }
    at += counts.time * timeSize;
    zone.transitionTypes_.reserve(counts.time);
    for (std::size_t i = 0; i < counts.time; ++i) {
        const auto type = static_cast<std::uint8_t>(bytes[at + i]);
        if (type >= counts.type) throw fail("transition type out of range");
        zone.transitionTypes_.push_back(type);
    }
    at += counts.time;
    const std::string_view chars = bytes.substr(at + counts.type * 6, counts.chars);
    for (std::size_t i = 0; i < counts.type; ++i) {
        const std::size_t p = at + i * 6;
        const auto offset = static_cast<std::int32_t>(readBe32(bytes, p));
        if (offset < -25 * 3600 || offset > 26 * 3600) throw fail("offset out of range");
        const auto isDst = static_cast<unsigned char>(bytes[p + 4]);
        const auto index = static_cast<unsigned char>(bytes[p + 5]);
        if (isDst > 1 || index >= counts.chars) throw fail("bad local time type");
        std::string_view abbreviation = chars.substr(index);
        abbreviation = abbreviation.substr(0, abbreviation.find('\0'));
        zone.abbreviations_.emplace_back(abbreviation);
        zone.types_.push_back(Type{offset, isDst == 1, zone.abbreviations_.size() - 1});
    }
    at += block - counts.time * (timeSize + 1);

    if (version != '\0') {
        // Footer: "\n" POSIX-TZ-string "\n".
        if (at >= bytes.size() || bytes[at] != '\n') throw fail("missing footer");
        const std::size_t end = bytes.find('\n', at + 1);
        if (end == std::string_view::npos) throw fail("unterminated footer");
        const std::string_view rule = bytes.substr(at + 1, end - at - 1);
        if (!rule.empty()) parsePosixRule(rule, zone);
    }
    return zone;
}

TimeZone TimeZone::fromPosixRule(std::string_view rule, const std::string& name) {
    TimeZone zone;
    zone.name_ = name;
    parsePosixRule(rule, zone);
    zone.types_.push_back(Type{zone.stdOffset_, false, zone.stdAbbreviation_});
    return zone;
}

void TimeZone::parsePosixRule(std::string_view text, TimeZone& zone) {
    RuleReader reader(text, zone.name_);
    zone.abbreviations_.push_back(reader.name());
    zone.stdAbbreviation_ = zone.abbreviations_.size() - 1;
    zone.stdOffset_ = -reader.duration(24);
    zone.hasRule_ = true;
    zone.ruleHasDst_ = false;
    if (reader.atEnd()) return;

    zone.abbreviations_.push_back(reader.name());
    zone.dstAbbreviation_ = zone.abbreviations_.size() - 1;
    zone.ruleHasDst_ = true;
    zone.dstOffset_ = zone.stdOffset_ + 3600;
    const char next = reader.peek();
    if (next == '+' || next == '-' || (next >= '0' && next <= '9')) zone.dstOffset_ = -reader.duration(24);

    auto readDate = [&reader](RuleDate& date) {
        if (reader.accept('J')) {
            date.form = RuleDate::Form::Julian1;
            date.day = reader.number(1, 365);
        } else if (reader.accept('M')) {
            date.form = RuleDate::Form::MonthWeekDay;
            date.month = reader.number(1, 12);
            if (!reader.accept('.')) reader.fail("'.' expected");
            date.week = reader.number(1, 5);
            if (!reader.accept('.')) reader.fail("'.' expected");
            date.day = reader.number(0, 6);
        } else {
            date.form = RuleDate::Form::Julian0;
            date.day = reader.number(0, 365);
        }
        date.time = 7200;
        if (reader.accept('/')) date.time = reader.duration(167);
    };

    if (reader.atEnd()) {
        // No rule given: the customary US rule (what glibc assumes).
        zone.dstStart_ = RuleDate{RuleDate::Form::MonthWeekDay, 0, 3, 2, 7200};
        zone.dstEnd_ = RuleDate{RuleDate::Form::MonthWeekDay, 0, 11, 1, 7200};
        return;
    }
    if (!reader.accept(',')) reader.fail("',' expected");
    readDate(zone.dstStart_);
    if (!reader.accept(',')) reader.fail("',' expected");
    readDate(zone.dstEnd_);
    if (!reader.atEnd()) reader.fail("unexpected text after the rule");
}

void TimeZone::ruleTransitionsOfYear(int year, RuleTransition* out) const {
    auto dayOf = [year](const RuleDate& date) -> std::int64_t {
        const std::int64_t jan1 = common::daysFromCivil(year, 1, 1);
        switch (date.form) {
        case RuleDate::Form::Julian1:
            return jan1 + (date.day - 1) + ((common::isLeapYear(year) && date.day >= 60) ? 1 : 0);
        case RuleDate::Form::Julian0:
            return jan1 + date.day;
        case RuleDate::Form::MonthWeekDay: {
            const auto month = static_cast<unsigned>(date.month);
            const std::int64_t first = common::daysFromCivil(year, month, 1);
            std::int64_t day = first + common::floorMod(date.day - weekday(first), 7) + std::int64_t{7} * (date.week - 1);
            while (day >= first + common::daysInMonth(year, month)) day -= 7;
            return day;
        }
        }
        return jan1;
    };
    out[0] = RuleTransition{dayOf(dstStart_) * kSecondsPerDay + dstStart_.time - stdOffset_, true};
    out[1] = RuleTransition{dayOf(dstEnd_) * kSecondsPerDay + dstEnd_.time - dstOffset_, false};
}

ZoneOffset TimeZone::fromRule(common::UtcSeconds utc) const {
    if (!ruleHasDst_) return ZoneOffset{stdOffset_, false, abbreviations_[stdAbbreviation_], kMinTime, kMaxTime};
    const int year = common::civilFromDays(common::floorDiv(utc + stdOffset_, kSecondsPerDay)).year;
    // No heap: this runs on the summarizer's per-row path when a row's month is not cached.
    std::array<RuleTransition, 6> list{};
    for (int y = year - 1; y <= year + 1; ++y) ruleTransitionsOfYear(y, &list[static_cast<std::size_t>(y - year + 1) * 2]);
    // At equal instants an end sorts before a start, so DST all year (RFC 8536 3.3.1) stays DST.
    std::sort(list.begin(), list.end(), [](const RuleTransition& a, const RuleTransition& b) {
        return a.at != b.at ? a.at < b.at : (!a.toDst && b.toDst);
    });
    bool dst = false;
    common::UtcSeconds from = kMinTime;
    common::UtcSeconds until = kMaxTime;
    bool found = false;
    for (const auto& transition : list) {
        if (transition.at <= utc) {
            dst = transition.toDst;
            from = transition.at;
            found = true;
        } else if (transition.toDst != dst || !found) {
            until = transition.at;
            break;
        }
    }
    if (!found) dst = false;
    return ZoneOffset{dst ? dstOffset_ : stdOffset_, dst, abbreviations_[dst ? dstAbbreviation_ : stdAbbreviation_],
                      from, until};
}

ZoneOffset TimeZone::offsetAt(common::UtcSeconds utc) const {
    auto ofType = [this](std::size_t typeIndex, common::UtcSeconds from, common::UtcSeconds until) {
        const Type& type = types_[typeIndex];
        return ZoneOffset{type.utcOffset, type.isDst, abbreviations_[type.abbreviation], from, until};
    };
    if (transitions_.empty()) {
        if (hasRule_) return fromRule(utc);
        return ofType(0, kMinTime, kMaxTime);
    }
    const auto next = std::upper_bound(transitions_.begin(), transitions_.end(), utc);
    if (next == transitions_.begin()) return ofType(0, kMinTime, transitions_.front());
    const auto index = static_cast<std::size_t>(std::distance(transitions_.begin(), next) - 1);
    if (next == transitions_.end()) {
        if (hasRule_) {
            ZoneOffset offset = fromRule(utc);
            offset.validFrom = std::max(offset.validFrom, transitions_.back());
            return offset;
        }
        return ofType(transitionTypes_[index], transitions_[index], kMaxTime);
    }
    return ofType(transitionTypes_[index], transitions_[index], *next);
}

common::CivilDateTime TimeZone::toLocal(common::UtcSeconds utc) const { return common::civilFromUtc(utc + offsetAt(utc).utcOffset); }

common::UtcSeconds TimeZone::startOfLocalDay(const common::CivilDate& date) const {
    const std::int64_t target = common::daysFromCivil(date);
    auto localDay = [this](common::UtcSeconds t) { return common::floorDiv(t + offsetAt(t).utcOffset, kSecondsPerDay); };
    // Every offset in use lies within +-26 hours, so the answer is inside this window.
    common::UtcSeconds low = target * kSecondsPerDay - 27 * 3600;   // local day < target here
    common::UtcSeconds high = target * kSecondsPerDay + 27 * 3600;  // local day >= target here
    while (high - low > 1) {
        const common::UtcSeconds middle = low + (high - low) / 2;
        if (localDay(middle) >= target) high = middle;
        else low = middle;
    }
    return high;
}

std::string_view defaultZoneForMarketplace(std::string_view marketplaceName) noexcept {
    while (!marketplaceName.empty() && (marketplaceName.front() == ' ' || marketplaceName.front() == '\t'))
        marketplaceName.remove_prefix(1);
    while (!marketplaceName.empty() && (marketplaceName.back() == ' ' || marketplaceName.back() == '\t'))
        marketplaceName.remove_suffix(1);
    if (marketplaceName.size() > 4 && common::startsWithIgnoreCaseAscii(marketplaceName, "www.")) marketplaceName.remove_prefix(4);
    for (const auto& entry : kMarketplaceZones)
        if (common::equalsIgnoreCaseAscii(entry.key, marketplaceName)) return entry.zone;
    return {};
}

std::string_view defaultZoneForCurrency(std::string_view currency) noexcept {
    for (const auto& entry : kCurrencyZones)
        if (common::equalsIgnoreCaseAscii(entry.key, currency)) return entry.zone;
    return {};
}

}  // namespace settlebridge::settlement
