#include "qbxml/currency.hpp"

#include <cctype>

#include "daemon/common/text.hpp"

namespace settlebridge::qbxml {

namespace {

/// Lower case, blanks collapsed to one space, none at either end: how two currency names are compared.
std::string folded(std::string_view text) {
    std::string out;
    bool space = false;
    for (char c : text) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += common::asciiLower(c);
    }
    return out;
}

}  // namespace

const std::vector<CurrencyInfo>& knownCurrencies() {
    // The currencies Amazon settles in (one per marketplace: .ae, .com.au, .com.br, .ca, .cn, .eg, the euro
    // marketplaces, .co.uk, .in, .co.jp, .com.mx, .pl, .sa, .se, .sg, .com.tr, .com, .co.za).
    static const std::vector<CurrencyInfo> table{
        {"AED", "UAE Dirham", {"United Arab Emirates Dirham"}},
        {"AUD", "Australian Dollar", {}},
        {"BRL", "Brazilian Real", {}},
        {"CAD", "Canadian Dollar", {}},
        {"CNY", "Chinese Yuan Renminbi", {"Chinese Yuan", "Yuan Renminbi"}},
        {"EGP", "Egyptian Pound", {}},
        {"EUR", "Euro", {}},
        {"GBP", "British Pound Sterling", {"British Pound", "Pound Sterling"}},
        {"INR", "Indian Rupee", {}},
        {"JPY", "Japanese Yen", {}},
        {"MXN", "Mexican Peso", {}},
        {"PLN", "Polish Zloty", {}},
        {"SAR", "Saudi Riyal", {"Saudi Arabian Riyal"}},
        {"SEK", "Swedish Krona", {}},
        {"SGD", "Singapore Dollar", {}},
        {"TRY", "Turkish Lira", {"New Turkish Lira"}},
        {"USD", "US Dollar", {"United States Dollar", "U.S. Dollar"}},
        {"ZAR", "South African Rand", {}},
    };
    return table;
}

std::optional<std::string_view> quickBooksCurrencyName(std::string_view iso) {
    const std::string key = folded(iso);
    for (const auto& c : knownCurrencies()) {
        if (folded(c.iso) == key) return c.quickBooksName;
    }
    return std::nullopt;
}

std::optional<std::string_view> isoOfQuickBooksCurrency(std::string_view name) {
    const std::string key = folded(name);
    if (key.empty()) return std::nullopt;
    for (const auto& c : knownCurrencies()) {
        if (folded(c.quickBooksName) == key || folded(c.iso) == key) return c.iso;
        for (auto other : c.otherNames) {
            if (folded(other) == key) return c.iso;
        }
    }
    return std::nullopt;
}

bool isCurrency(std::string_view quickBooksName, std::string_view iso) {
    if (auto known = isoOfQuickBooksCurrency(quickBooksName)) return folded(*known) == folded(iso);
    return !iso.empty() && folded(quickBooksName) == folded(iso);
}

std::optional<std::string_view> editionCurrency(std::string_view country) {
    const std::string key = folded(country);
    if (key == "ca") return std::string_view("CAD");
    if (key == "uk" || key == "gb") return std::string_view("GBP");
    return std::nullopt;
}

}  // namespace settlebridge::qbxml
