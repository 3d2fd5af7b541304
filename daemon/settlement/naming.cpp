#include "daemon/settlement/naming.hpp"

#include "daemon/common/text.hpp"

namespace settlebridge::settlement {

namespace {

constexpr std::string_view kDigits36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
constexpr std::size_t kFoldedIdLength = 9;
constexpr std::size_t kSkuHashLength = 6;
constexpr std::size_t kSkuPrefixLength = kMaxItemNameLength - 1 - kSkuHashLength;  // 24

std::uint64_t pow36(std::size_t exponent) noexcept {
    std::uint64_t value = 1;
    for (std::size_t i = 0; i < exponent; ++i) value *= 36;
    return value;
}

std::string padBase36(std::uint64_t value, std::size_t width) {
    std::string text = toBase36(value);
    if (text.size() < width) text.insert(0, width - text.size(), '0');
    return text;
}

bool isControl(unsigned char c) noexcept { return c < 0x20 || c == 0x7F; }
bool isBlank(unsigned char c) noexcept { return c == ' ' || c == '\t'; }

bool segmentOk(std::string_view segment) noexcept {
    const std::size_t length = utf8Length(segment);
    if (length == 0 || length > kMaxItemNameLength) return false;
    if (isBlank(static_cast<unsigned char>(segment.front())) || isBlank(static_cast<unsigned char>(segment.back())))
        return false;
    for (const char c : segment)
        if (isControl(static_cast<unsigned char>(c))) return false;
    return true;
}

/// A character Settlebridge sends to QuickBooks unchanged (qbxml/text.hpp): printable ASCII, or Latin-1 from U+00A1
/// except the soft hyphen (dropped as invisible).
bool storable(char32_t cp) noexcept {
    return (cp >= 0x20 && cp < 0x7F) || (cp >= 0xA1 && cp <= 0xFF && cp != 0xAD);
}

}  // namespace

std::string toBase36(std::uint64_t value) {
    if (value == 0) return "0";
    char buffer[16];
    std::size_t pos = sizeof buffer;
    while (value != 0) {
        buffer[--pos] = kDigits36[value % 36];
        value /= 36;
    }
    return std::string(buffer + pos, sizeof buffer - pos);
}

std::uint64_t fnv1a64(std::string_view bytes) noexcept {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

bool refNumberIsExact(std::string_view settlementId) {
    if (settlementId.empty() || settlementId.size() > 15) return false;
    if (settlementId.size() > 1 && settlementId.front() == '0') return false;
    std::uint64_t value = 0;
    for (const char c : settlementId) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return value < kRefNumberExactLimit;
}

std::string refNumberStem(std::string_view settlementId) {
    if (settlementId.empty()) throw NamingError("settlement id is empty");
    for (const char c : settlementId) {
        if (c < '0' || c > '9')
            throw NamingError("settlement id \"" + std::string(settlementId) + "\" is not made of digits");
    }
    if (refNumberIsExact(settlementId)) {
        std::uint64_t value = 0;
        for (const char c : settlementId) value = value * 10 + static_cast<std::uint64_t>(c - '0');
        return toBase36(value);
    }
    // '0' + 8 characters: exact stems never start with '0', so a folded stem never equals an exact one.
    return '0' + padBase36(fnv1a64(settlementId) % pow36(kFoldedIdLength - 1), kFoldedIdLength - 1);
}

char partCharacter(int part) {
    if (part < 0 || part >= kMaxParts)
        throw NamingError("part " + std::to_string(part) + " is outside 0.." + std::to_string(kMaxParts - 1));
    return kDigits36[static_cast<std::size_t>(part)];
}

std::string makeRefNumber(std::string_view settlementId, RefKind kind, int part) {
    std::string ref = refNumberStem(settlementId);
    ref.push_back(partCharacter(part));
    ref.push_back(static_cast<char>(kind));  // last: a RefNumber never ends in a digit QuickBooks could count on
    return ref;
}

std::size_t utf8Length(std::string_view text) noexcept {
    std::size_t count = 0;
    for (const char c : text)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
    return count;
}

bool skuIsItemName(std::string_view sku) noexcept {
    if (!segmentOk(sku)) return false;
    if (sku.find(':') != std::string_view::npos || sku.find('~') != std::string_view::npos) return false;
    for (std::size_t i = 0; i < sku.size();)
        if (!storable(common::decodeUtf8(sku, i).value_or(0xFFFD))) return false;
    return true;
}

std::string skuItemName(std::string_view sku) {
    if (sku.empty()) throw NamingError("SKU is empty");
    if (skuIsItemName(sku)) return std::string(sku);

    std::string prefix;
    prefix.reserve(kSkuPrefixLength * 2);
    std::size_t characters = 0;
    for (std::size_t i = 0; i < sku.size() && characters < kSkuPrefixLength; ++characters) {
        const char32_t cp = common::decodeUtf8(sku, i).value_or(0xFFFD);
        if (cp == ':') prefix.push_back('-');
        else if (storable(cp)) common::appendUtf8(prefix, cp);
        else prefix.push_back('_');  // control characters and anything QuickBooks cannot store as it is
    }
    while (!prefix.empty() && isBlank(static_cast<unsigned char>(prefix.back()))) prefix.pop_back();
    std::size_t start = 0;
    while (start < prefix.size() && isBlank(static_cast<unsigned char>(prefix[start]))) ++start;
    prefix.erase(0, start);

    return prefix + '~' + padBase36(fnv1a64(sku) % pow36(kSkuHashLength), kSkuHashLength);
}

bool isValidQuickBooksFullName(std::string_view name) noexcept {
    if (name.empty()) return false;
    std::size_t start = 0;
    while (true) {
        const std::size_t colon = name.find(':', start);
        const std::string_view segment =
            name.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start);
        if (!segmentOk(segment)) return false;
        if (colon == std::string_view::npos) return true;
        start = colon + 1;
    }
}

}  // namespace settlebridge::settlement
