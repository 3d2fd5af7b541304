#include "daemon/common/decimal.hpp"

#include <limits>
#include <string>

namespace settlebridge::common {

namespace {

struct Decimal {
    bool negative = false;
    std::string digits;  // no leading sign; may have leading zeros
    long exponent = 0;   // value = digits * 10^exponent
};

std::optional<Decimal> parseDecimal(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
    if (text.empty()) return std::nullopt;
    Decimal d;
    std::size_t i = 0;
    if (text[i] == '-' || text[i] == '+') {
        d.negative = text[i] == '-';
        ++i;
    }
    bool any = false;
    long fraction = 0;
    bool inFraction = false;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (c >= '0' && c <= '9') {
            d.digits.push_back(c);
            any = true;
            if (inFraction) ++fraction;
        } else if (c == '.' && !inFraction) {
            inFraction = true;
        } else {
            break;
        }
    }
    if (!any) return std::nullopt;
    long exp = 0;
    if (i < text.size()) {
        if (text[i] != 'e' && text[i] != 'E') return std::nullopt;
        ++i;
        bool expNegative = false;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
            expNegative = text[i] == '-';
            ++i;
        }
        if (i >= text.size()) return std::nullopt;
        for (; i < text.size(); ++i) {
            if (text[i] < '0' || text[i] > '9') return std::nullopt;
            if (exp > 100000) return std::nullopt;
            exp = exp * 10 + (text[i] - '0');
        }
        if (expNegative) exp = -exp;
    }
    d.exponent = exp - fraction;
    return d;
}

/// value * 10^shift as an integer, rounded half away from zero. nullopt on overflow.
std::optional<std::int64_t> scaled(const Decimal& d, long shift) {
    const long e = d.exponent + shift;
    std::string digits = d.digits;
    bool roundUp = false;
    if (e >= 0) {
        if (e > 40) {
            // Only zeros fit.
            if (digits.find_first_not_of('0') != std::string::npos) return std::nullopt;
            return 0;
        }
        digits.append(static_cast<std::size_t>(e), '0');
    } else {
        const auto drop = static_cast<std::size_t>(-e);
        if (drop >= digits.size()) {
            // All digits are fractional: round on the first dropped digit when it is the leading one.
            roundUp = drop == digits.size() && !digits.empty() && digits[0] >= '5';
            digits.assign(1, '0');
        } else {
            roundUp = digits[digits.size() - drop] >= '5';
            digits.resize(digits.size() - drop);
        }
    }
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    std::int64_t v = 0;
    for (const char c : digits) {
        const int digit = c - '0';
        if (v > (kMax - digit) / 10) return std::nullopt;
        v = v * 10 + digit;
    }
    if (roundUp) {
        if (v == kMax) return std::nullopt;
        ++v;
    }
    return d.negative ? -v : v;
}

}  // namespace

std::optional<Cents> decimalToCents(std::string_view text) {
    const auto d = parseDecimal(text);
    if (!d) return std::nullopt;
    return scaled(*d, 2);
}

std::optional<std::int64_t> decimalToCount(std::string_view text) {
    const auto d = parseDecimal(text);
    if (!d) return std::nullopt;
    // Whole numbers only: nothing non-zero may be dropped.
    if (d->exponent < 0) {
        const auto drop = static_cast<std::size_t>(-d->exponent);
        const std::size_t keep = drop >= d->digits.size() ? 0 : d->digits.size() - drop;
        if (d->digits.find_first_not_of('0', keep) != std::string::npos) return std::nullopt;
    }
    return scaled(*d, 0);
}

}  // namespace settlebridge::common
