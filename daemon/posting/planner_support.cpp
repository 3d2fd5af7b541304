#include "daemon/posting/planner_support.hpp"

#include <algorithm>

#include "daemon/posting/currency.hpp"
#include "qbxml/render.hpp"
#include "qbxml/status.hpp"

namespace settlebridge::posting::detail {

std::string_view markKind(ListKind kind) {
    switch (kind) {
        case ListKind::Item: return "item";
        case ListKind::Account: return "account";
        case ListKind::Customer: return "customer";
    }
    return "item";
}

std::string_view listWord(ListKind kind) {
    switch (kind) {
        case ListKind::Item: return "item";
        case ListKind::Account: return "account";
        case ListKind::Customer: return "customer";
    }
    return "item";
}

std::string normalizeName(ListKind kind, std::string_view name) {
    try {
        switch (kind) {
            case ListKind::Item: return qbxml::normalizeItemName(name);
            case ListKind::Account: return qbxml::normalizeAccountName(name);
            case ListKind::Customer: return qbxml::normalizeCustomerName(name);
        }
    } catch (const qbxml::RenderError&) {
        // An impossible name: kept as it is; the document that uses it fails when it is rendered.
    }
    return std::string(name);
}

std::size_t depth(std::string_view name) { return static_cast<std::size_t>(std::count(name.begin(), name.end(), ':')); }

std::string kindLabel(DocKind kind) {
    switch (kind) {
        case DocKind::Receipt: return "sales receipt";
        case DocKind::CreditMemo: return "credit memo";
        case DocKind::RefundPayment: return "refund payment";
        case DocKind::Transfer: return "transfer";
    }
    return "document";
}

std::string docLabel(const domain::Document& d) {
    std::string label = kindLabel(d.kind);
    label += " ";
    label += d.refNumber.empty() ? d.externalKey : d.refNumber;
    return label;
}

std::string upperFirst(std::string text) {
    if (!text.empty()) text[0] = common::asciiUpper(text[0]);
    return text;
}

std::vector<std::string> splitLines(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        if (end > start) out.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

std::string joinLines(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& n : names) {
        if (!out.empty()) out += '\n';
        out += n;
    }
    return out;
}

std::string_view wantKind(ListKind kind) {
    return kind == ListKind::Customer ? kMarkCustomerCurrency : kMarkAccountCurrency;
}

/// Why a customer or bank account QuickBooks has in `actual` cannot take documents that need `wanted`.
std::string wrongCurrencyMessage(ListKind kind, const std::string& name, const std::string& actual,
                                 const std::string& wanted) {
    const std::string shown = actual.empty() ? std::string("the home currency") : actual;
    if (kind == ListKind::Customer) {
        return "Customer \"" + name + "\" is in " + shown + " in QuickBooks, but the documents made out to it are in " +
               wanted + ": a QuickBooks customer has one currency, which cannot change once it has transactions. "
               "Rename that customer in QuickBooks (Settlebridge then creates \"" + name + "\" in " + wanted +
               "), or name a customer in " + wanted + " with a `customer` line of the mapping, then approve the "
               "settlement again.";
    }
    return "Account \"" + name + "\" is in " + shown + " in QuickBooks, but the documents that use it are in " + wanted +
           ": deposits and refunds must go through a bank account in their own currency. Rename that account in "
           "QuickBooks (Settlebridge then creates \"" + name + "\" in " + wanted +
           "), or use {currency} in the account's name in the settings, then approve the settlement again.";
}

void applyPreferenceInfo(domain::Company& company, const qbxml::PreferencesInfo& p, std::string_view editionCountry) {
    learnCurrency(company, p, editionCountry);
    company.salesTax = p.salesTaxOn;
    if (p.salesTaxOn && !p.defaultNonTaxableCode.empty()) company.nonTaxableCode = p.defaultNonTaxableCode;
    company.closingDate = p.closingDate.value_or("");
}

bool isRecheckable(const domain::Document& d, const PlannerOptions& options) {
    return d.state == DocState::Failed && d.qbStatusCode &&
           qbxml::classifyStatus(*d.qbStatusCode, d.qbStatusMessage).kind == qbxml::StatusClass::invalidReference &&
           d.autoRetries < options.maxAutoRetries;
}

}  // namespace settlebridge::posting::detail
