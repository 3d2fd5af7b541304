#pragma once
// Which currency a document is in, what the company file keeps its books in, and what follows for the document:
// the customer and the clearing (and transfer) accounts it uses, the QuickBooks currency those need, or why this
// company file cannot take it (docs/POSTING.md, "Currencies"). Pure: no store access.
//
//   - Multicurrency off: QuickBooks has one currency for everything and reports none. The company's currency is the
//     `home_currency` setting, else the one the QuickBooks edition implies (the Canadian edition CAD, the UK edition
//     GBP; the US edition is used the world over and implies nothing); unknown → documents are not checked. A
//     document in another currency than a known company currency is refused (held with the reason).
//   - Multicurrency on: the home currency is QuickBooks' own (HomeCurrencyRef). A document in another currency goes
//     to a customer in its currency (the company's customer name + " CAD", unless a mapping rule named the customer)
//     and deposits into a clearing account in its currency ("Amazon Clearing CAD"); both are created with that
//     CurrencyRef when missing, and existing ones must be in that currency.
//   - "{currency}" in the company's customer, clearing account or bank account name is replaced by the document's
//     ISO code for every document (e.g. "Amazon Clearing {currency}" → "Amazon Clearing USD"), whatever the
//     multicurrency preference.

#include <cstddef>
#include <string>
#include <string_view>

#include "daemon/domain/records.hpp"
#include "qbxml/response.hpp"

namespace settlebridge::posting {

/// The placeholder replaced by a document's ISO currency code in customer and account names.
inline constexpr std::string_view kCurrencyPlaceholder = "{currency}";

struct CurrencyPlan {
    std::string currency;            ///< the document's ISO code ("" = unknown)
    std::string companyCurrency;     ///< the company file's (ISO code, or QuickBooks' name of an unknown one); "" unknown
    bool multicurrency = false;      ///< the company file has multicurrency on
    bool foreign = false;            ///< multicurrency on and the document is not in the home currency
    /// QuickBooks' name of the document's currency when multicurrency is on ("Canadian Dollar"): the customer and
    /// the clearing account must be in it. "" when multicurrency is off.
    std::string quickBooksCurrency;
    std::string customer;            ///< the customer the document is made out to
    std::string clearingAccount;     ///< the account receipts deposit to and refunds are paid from
    std::string transferAccount;     ///< the bank account a transfer moves the deposit to ("" when none)
    std::string refusal;             ///< not empty: this company file cannot take the document (why, for a person)
};

/// The company file's currency: an ISO code when known, QuickBooks' name of a currency outside the table, "" unknown.
std::string companyCurrency(const domain::Company& company);

/// How `doc` goes into `company`'s file. `transferTo` is the bank account of a transfer (from its payload).
CurrencyPlan planCurrency(const domain::Company& company, const domain::Document& doc, std::string_view transferTo);

/// `name` for a document in `iso`: every "{currency}" replaced by the code; otherwise, when `foreign`, " <ISO>"
/// appended to its last level, which is first cut (and its trailing blanks dropped) so the level stays within
/// `maxSegment` characters. Otherwise `name` unchanged.
std::string nameForCurrency(std::string_view name, std::string_view iso, bool foreign, std::size_t maxSegment);

/// What QuickBooks' answers say about the company's currency: with multicurrency on, its home currency (as an ISO
/// code when the table knows the name); with it off, the stored setting stays, and an empty one is filled from the
/// edition's country (`editionCountry`: HostRet/Country or the Web Connector's qbXMLCountry).
void learnCurrency(domain::Company& company, const qbxml::PreferencesInfo& prefs, std::string_view editionCountry);

/// The same when only the edition is known (no preferences yet): fills an empty currency of a company whose
/// multicurrency preference is not known to be on.
void learnEditionCurrency(domain::Company& company, std::string_view editionCountry);

/// QuickBooks' name of the company's home currency ("US Dollar"; a name outside the table as stored; "" unknown).
std::string homeQuickBooksCurrency(const domain::Company& company);

/// Whether two QuickBooks currency names (or ISO codes) stand for the same currency.
bool sameCurrencyName(std::string_view a, std::string_view b);

/// Whether a CurrencyRef name QuickBooks returned (empty = the home currency, as QuickBooks leaves it out for a
/// home-currency list entry or when multicurrency was off when it was created) is `plan`'s currency.
bool currencyMatches(const CurrencyPlan& plan, std::string_view quickBooksName);

}  // namespace settlebridge::posting
