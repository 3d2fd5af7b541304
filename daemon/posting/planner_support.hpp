#pragma once
// What the session planner's parts share (planner.cpp, pass.cpp, applier.cpp): the session mark vocabulary and the
// words for lists and documents. Internal to daemon/posting.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/text.hpp"
#include "daemon/domain/records.hpp"
#include "daemon/posting/planner.hpp"
#include "qbxml/response.hpp"

namespace settlebridge::posting::detail {

using common::asciiLower;
using common::equalsIgnoreCaseAscii;
using domain::DocKind;
using domain::DocState;
using domain::ListKind;
using domain::PendingKind;
using domain::SessionMark;
using domain::Timestamp;

// Session mark kinds and statuses (wc_session_marks).
constexpr std::string_view kMarkDocument = "document";  // a document skipped for the rest of the session
constexpr std::string_view kMarkLock = "lock";          // lock retries of a document in this session
constexpr std::string_view kMissing = "missing";        // queried: QuickBooks does not have it
constexpr std::string_view kFailed = "failed";          // cannot be created (or used) in this session
constexpr std::string_view kRequery = "requery";        // an add said "already in use": query it once more
constexpr std::string_view kSkipped = "skipped";
constexpr std::string_view kWrongCurrency = "wrong-currency";  // exists, but in another currency than needed
// The currency a customer or bank account must be in (status: QuickBooks' name); message "verified" once the
// answer to its query or add showed it is.
constexpr std::string_view kMarkCustomerCurrency = "customer-currency";
constexpr std::string_view kMarkAccountCurrency = "account-currency";
constexpr std::string_view kVerified = "verified";
constexpr std::string_view kMarkCurrencyWarning = "currency-warning";  // the unknown-currency warning was logged
constexpr std::string_view kHoldCurrency = "currency";  // hold reason: the company file cannot take the currency
// Types and names QuickBooks will not take (issue 13; qbxml/rules.hpp). Mark statuses: an account or item that
// exists with a type its reference does not take, or cannot be created with the type it needs; a customer name that a
// vendor, employee or other name has. The documents that need it are held with the mark's message.
constexpr std::string_view kWrongType = "wrong-type";
constexpr std::string_view kNameInUse = "name-in-use";
constexpr std::string_view kMarkNameList = "name-list";  // a customer name checked against the other name lists
constexpr std::string_view kMarkAccountType = "account-type";  // status: the type QuickBooks gave an account held for it
constexpr std::string_view kHoldItemType = "item-type";
constexpr std::string_view kHoldAccountType = "account-type";
constexpr std::string_view kHoldNameInUse = "name-in-use";
// The account items Settlebridge creates are bought through when they sell through an income account (SalesAndPurchase:
// a bill that uses the item is a cost, not less income). QuickBooks' own name and type for it.
constexpr std::string_view kPurchaseAccount = "Cost of Goods Sold";
constexpr std::string_view kPurchaseAccountType = "CostOfGoodsSold";
constexpr std::string_view kHoldTaxCode = "tax-code";   // hold reason: the sales tax code is not the file's
constexpr std::string_view kHoldExchangeRate = "exchange-rate";  // hold reason: no usable rate for the settlement
// The company file's sales tax code list (name "company") and a currency's exchange rate (name: ISO code), read in
// this session (status "read"), or the query failed (status "failed", message: why).
constexpr std::string_view kMarkTaxCodes = "tax-codes";
constexpr std::string_view kMarkRate = "exchange-rate";
constexpr std::string_view kRead = "read";

std::string_view markKind(ListKind kind);
std::string_view listWord(ListKind kind);
std::string normalizeName(ListKind kind, std::string_view name);
std::size_t depth(std::string_view name);
std::string kindLabel(DocKind kind);
std::string docLabel(const domain::Document& d);
std::string upperFirst(std::string text);
std::vector<std::string> splitLines(std::string_view text);
std::string joinLines(const std::vector<std::string>& names);
std::string_view wantKind(ListKind kind);

/// Why a customer or bank account QuickBooks has in `actual` cannot take documents that need `wanted`.
std::string wrongCurrencyMessage(ListKind kind, const std::string& name, const std::string& actual,
                                 const std::string& wanted);
void applyPreferenceInfo(domain::Company& company, const qbxml::PreferencesInfo& p, std::string_view editionCountry);
bool isRecheckable(const domain::Document& d, const PlannerOptions& options);

}  // namespace settlebridge::posting::detail
