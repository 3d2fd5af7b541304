#pragma once
// Currencies as QuickBooks Desktop names them. A multicurrency company file refers to a currency by the name in its
// currency list (CurrencyRef/FullName: "US Dollar", "Canadian Dollar"...), not by its ISO 4217 code, so what
// Settlebridge sends (CustomerAdd/AccountAdd CurrencyRef) and reads (HomeCurrencyRef, a customer's or an account's
// CurrencyRef) goes through this table. It covers every currency Amazon settles a marketplace in (docs/QBXML.md,
// "Currencies", lists them with their sources).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace settlebridge::qbxml {

/// One currency: its ISO 4217 code, the name QuickBooks' built-in currency list gives it, and other names a
/// company file may show for it (older releases, a currency the user added by hand).
struct CurrencyInfo {
    std::string_view iso;
    std::string_view quickBooksName;
    std::vector<std::string_view> otherNames;
};

/// The whole table, in ISO order.
const std::vector<CurrencyInfo>& knownCurrencies();

/// QuickBooks' name of an ISO code ("CAD" → "Canadian Dollar"), case-insensitive; nullopt when unknown.
std::optional<std::string_view> quickBooksCurrencyName(std::string_view iso);

/// The ISO code of a name QuickBooks returns ("canadian dollar" → "CAD"), case- and blank-insensitive, any of the
/// known names; a three-letter code given as the name is accepted as itself when it is in the table. nullopt when
/// unknown.
std::optional<std::string_view> isoOfQuickBooksCurrency(std::string_view name);

/// Whether a CurrencyRef name QuickBooks returned stands for `iso` (by the table; when the name is not in the table,
/// only a name equal to the code itself matches).
bool isCurrency(std::string_view quickBooksName, std::string_view iso);

/// The currency a QuickBooks edition keeps its books in when multicurrency is off, from the country the Web
/// Connector and HostRet report: "CA" → "CAD", "UK"/"GB" → "GBP". The US edition is sold and used worldwide, so "US"
/// (and anything else) gives nullopt: the edition says nothing about the currency.
std::optional<std::string_view> editionCurrency(std::string_view country);

}  // namespace settlebridge::qbxml
