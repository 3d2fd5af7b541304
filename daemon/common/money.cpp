#include "daemon/common/money.hpp"

#include <cstddef>

namespace settlebridge::common {
namespace {

constexpr bool isDigit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool isBlank(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

// More integer digits than this cannot be money in a settlement; keeps the arithmetic far from overflow
// (16 digits of units = less than 1e18 cents).
constexpr std::size_t kMaxIntegerDigits = 16;

}  // namespace

std::optional<Cents> parseAmount(std::string_view text) {
    // Fast path for what nearly every row holds: [-]digits.dd or [-]digits,dd (no blanks, no grouping).
    const std::size_t n = text.size();
    if (n >= 4 && n <= kMaxIntegerDigits + 4 && (text[n - 3] == '.' || text[n - 3] == ',') && isDigit(text[n - 2]) &&
        isDigit(text[n - 1])) {
        const bool negative = text[0] == '-';
        std::size_t i = negative ? 1 : 0;
        if (i < n - 3 && n - 3 - i <= kMaxIntegerDigits) {
            std::int64_t units = 0;
            for (; i < n - 3 && isDigit(text[i]); ++i) units = units * 10 + (text[i] - '0');
            if (i == n - 3) {
                const Cents cents = units * 100 + (text[n - 2] - '0') * 10 + (text[n - 1] - '0');
                return negative ? -cents : cents;
            }
        }
    }

    std::size_t b = 0;
    std::size_t e = text.size();
    while (b < e && isBlank(text[b])) ++b;
    while (e > b && isBlank(text[e - 1])) --e;
    if (b == e) return std::nullopt;

    bool negative = false;
    if (text[b] == '-' || text[b] == '+') {
        negative = text[b] == '-';
        ++b;
    }
    if (b == e || !isDigit(text[b])) return std::nullopt;  // "-", "-.5", ".5", "- 1"

    // Find the separators: the decimal one is the last '.' or ',', and only when followed by 1 or 2 digits.
    std::size_t lastSep = std::string_view::npos;
    std::size_t dots = 0;
    std::size_t commas = 0;
    for (std::size_t i = b; i < e; ++i) {
        const char c = text[i];
        if (c == '.' || c == ',') {
            lastSep = i;
            (c == '.' ? dots : commas) += 1;
        } else if (!isDigit(c)) {
            return std::nullopt;
        }
    }

    std::size_t intEnd = e;  // end of the integer part (exclusive)
    char groupSep = 0;       // the grouping separator, 0 when none may appear
    if (lastSep != std::string_view::npos) {
        const char decimalSep = text[lastSep];
        const std::size_t decimals = e - lastSep - 1;
        const std::size_t sameKind = decimalSep == '.' ? dots : commas;
        const std::size_t otherKind = decimalSep == '.' ? commas : dots;
        if (sameKind > 1) {
            // "1,234,567" or "1.234.567": only grouping, no decimal part. Amazon writes decimals; a grouped
            // integer could just as well be a misread decimal: refuse it.
            return std::nullopt;
        }
        if (decimals == 0 || decimals > 3) return std::nullopt;  // "12." or far too many decimals
        if (decimals == 3) {
            // "1,234" / "1.234" (no other separator): grouping or three decimals? Ambiguous. With another
            // separator kind before it ("1.234,567") it is three decimals: more than two. Reject both.
            return std::nullopt;
        }
        intEnd = lastSep;
        groupSep = otherKind > 0 ? (decimalSep == '.' ? ',' : '.') : 0;
    }

    // Integer part: digits, optionally grouped by threes with groupSep.
    std::int64_t units = 0;
    std::size_t digits = 0;
    std::size_t groupLen = 0;  // digits since the last group separator
    bool sawGroup = false;
    std::size_t firstGroupLen = 0;  // digits before the first separator
    for (std::size_t i = b; i < intEnd; ++i) {
        const char c = text[i];
        if (isDigit(c)) {
            if (++digits > kMaxIntegerDigits) return std::nullopt;
            units = units * 10 + (c - '0');
            ++groupLen;
            continue;
        }
        if (c != groupSep) return std::nullopt;  // a separator of the decimal kind before the decimal point
        if (!sawGroup) {
            firstGroupLen = groupLen;
            if (firstGroupLen == 0 || firstGroupLen > 3) return std::nullopt;
            sawGroup = true;
        } else if (groupLen != 3) {
            return std::nullopt;
        }
        groupLen = 0;
    }
    if (sawGroup) {
        if (groupLen != 3) return std::nullopt;
        if (firstGroupLen > 1 && text[b] == '0') return std::nullopt;   // "01,234.50"
        if (firstGroupLen == 1 && text[b] == '0') return std::nullopt;  // "0,123.45"
    }

    std::int64_t cents = units * 100;
    if (intEnd != e) {
        const std::size_t decimals = e - intEnd - 1;
        const std::int64_t first = text[intEnd + 1] - '0';
        const std::int64_t second = decimals == 2 ? text[intEnd + 2] - '0' : 0;
        cents += first * 10 + second;
    }
    return negative ? -cents : cents;
}

std::string formatCents(Cents cents) {
    const bool negative = cents < 0;
    // Magnitude as unsigned so that the most negative value formats too.
    std::uint64_t magnitude =
        negative ? std::uint64_t{0} - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
    char buffer[32];
    std::size_t pos = sizeof buffer;
    const auto put = [&](char c) { buffer[--pos] = c; };
    put(static_cast<char>('0' + magnitude % 10));
    magnitude /= 10;
    put(static_cast<char>('0' + magnitude % 10));
    magnitude /= 10;
    put('.');
    do {
        put(static_cast<char>('0' + magnitude % 10));
        magnitude /= 10;
    } while (magnitude != 0);
    if (negative) put('-');
    return std::string(buffer + pos, sizeof buffer - pos);
}

}  // namespace settlebridge::common
