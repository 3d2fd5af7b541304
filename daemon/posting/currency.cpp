#include "daemon/posting/currency.hpp"

#include <cctype>

#include "daemon/common/text.hpp"
#include "qbxml/currency.hpp"
#include "qbxml/render.hpp"
#include "qbxml/text.hpp"

namespace settlebridge::posting {

namespace {

using common::equalsIgnoreCaseAscii;

/// `text` in ASCII upper case with every blank removed (how a currency code is compared and stored).
std::string upper(std::string_view text) {
    std::string out;
    for (char c : text) {
        if (std::isspace(static_cast<unsigned char>(c))) continue;
        out += common::asciiUpper(c);
    }
    return out;
}

/// The first `max` characters (code points) of valid UTF-8 text.
std::string firstCharacters(std::string_view text, std::size_t max) {
    std::size_t chars = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            if (chars == max) break;
            ++chars;
        }
        ++i;
    }
    return std::string(text.substr(0, i));
}

/// Whether the document currency `iso` is the company currency `company` (an ISO code or QuickBooks' name).
bool isCompanyCurrency(std::string_view iso, std::string_view company) {
    return equalsIgnoreCaseAscii(iso, company) || qbxml::isCurrency(company, iso);
}

/// QuickBooks' name of the company currency (the table's name of an ISO code, else the stored name itself).
std::string quickBooksNameOf(std::string_view currency) {
    if (auto name = qbxml::quickBooksCurrencyName(currency)) return std::string(*name);
    return std::string(currency);
}

}  // namespace

std::string companyCurrency(const domain::Company& company) {
    const std::string stored(company.homeCurrency);
    if (auto iso = qbxml::isoOfQuickBooksCurrency(stored)) return std::string(*iso);
    return stored;
}

std::string nameForCurrency(std::string_view name, std::string_view iso, bool foreign, std::size_t maxSegment) {
    std::string out(name);
    if (out.find(kCurrencyPlaceholder) != std::string::npos) {
        for (std::size_t at = out.find(kCurrencyPlaceholder); at != std::string::npos;
             at = out.find(kCurrencyPlaceholder, at + iso.size())) {
            out.replace(at, kCurrencyPlaceholder.size(), iso);
        }
        return out;
    }
    if (!foreign || iso.empty()) return out;
    const std::size_t colon = out.rfind(':');
    const std::string head = colon == std::string::npos ? std::string() : out.substr(0, colon + 1);
    std::string last = qbxml::toQuickBooksText(colon == std::string::npos ? out : out.substr(colon + 1));
    const std::string suffix = " " + std::string(iso);
    if (maxSegment > suffix.size() && qbxml::characterCount(last) + suffix.size() > maxSegment) {
        last = firstCharacters(last, maxSegment - suffix.size());
    }
    while (!last.empty() && last.back() == ' ') last.pop_back();
    return head + last + suffix;
}

CurrencyPlan planCurrency(const domain::Company& company, const domain::Document& doc, std::string_view transferTo) {
    CurrencyPlan plan;
    plan.companyCurrency = companyCurrency(company);
    plan.multicurrency = company.multiCurrency.value_or(false);
    plan.currency = upper(doc.currency);
    const std::string settlementWords = "settlement " + doc.settlementId;

    if (!plan.multicurrency) {
        if (!plan.companyCurrency.empty() && !plan.currency.empty() &&
            !isCompanyCurrency(plan.currency, plan.companyCurrency)) {
            plan.refusal = "This QuickBooks company file has multicurrency off and keeps its books in " +
                           plan.companyCurrency + "; " + settlementWords + " is in " + plan.currency +
                           ". Turn on multicurrency in QuickBooks (Edit > Preferences > Multiple Currencies) or post " +
                           plan.currency + " settlements to a " + plan.currency +
                           " company file, then approve the settlement again.";
        }
    } else if (plan.companyCurrency.empty()) {
        plan.refusal = "QuickBooks has multicurrency on but did not say which currency is its home currency, so "
                       "Settlebridge cannot tell which customer " + settlementWords + " (" +
                       (plan.currency.empty() ? std::string("currency unknown") : plan.currency) +
                       ") belongs to. Run the Web Connector again; if this stays, check Edit > Preferences > Multiple "
                       "Currencies in QuickBooks, then approve the settlement again.";
    } else {
        plan.foreign = !plan.currency.empty() && !isCompanyCurrency(plan.currency, plan.companyCurrency);
        if (!plan.foreign) {
            plan.quickBooksCurrency = quickBooksNameOf(plan.companyCurrency);
        } else if (auto name = qbxml::quickBooksCurrencyName(plan.currency)) {
            plan.quickBooksCurrency = std::string(*name);
        } else {
            plan.refusal = "Settlebridge does not know QuickBooks' name for the currency " + plan.currency + " of " +
                           settlementWords + ", so it cannot create a customer and a clearing account in it. Post " +
                           plan.currency + " settlements to a " + plan.currency +
                           " company file (docs/QBXML.md lists the currencies Settlebridge knows).";
        }
    }

    // A settlement whose currency is unknown is posted as the company's.
    const std::string iso = plan.currency.empty() ? plan.companyCurrency : plan.currency;
    const bool defaultCustomer = equalsIgnoreCaseAscii(doc.customer, company.customerName);
    plan.customer = doc.customer.find(kCurrencyPlaceholder) != std::string::npos || defaultCustomer
                        ? nameForCurrency(doc.customer, iso, plan.foreign, qbxml::kMaxCustomerNameSegment)
                        : doc.customer;
    plan.clearingAccount = nameForCurrency(company.clearingAccount, iso, plan.foreign, qbxml::kMaxItemNameSegment);
    if (!transferTo.empty()) {
        plan.transferAccount = nameForCurrency(transferTo, iso, plan.foreign, qbxml::kMaxItemNameSegment);
    }
    return plan;
}

void learnEditionCurrency(domain::Company& company, std::string_view editionCountry) {
    if (company.multiCurrency.value_or(false) || !company.homeCurrency.empty()) return;
    if (auto currency = qbxml::editionCurrency(editionCountry)) company.homeCurrency = std::string(*currency);
}

void learnCurrency(domain::Company& company, const qbxml::PreferencesInfo& prefs, std::string_view editionCountry) {
    company.multiCurrency = prefs.multicurrencyOn;
    if (prefs.multicurrencyOn) {
        if (!prefs.homeCurrency.empty()) {
            auto iso = qbxml::isoOfQuickBooksCurrency(prefs.homeCurrency);
            company.homeCurrency = iso ? std::string(*iso) : prefs.homeCurrency;
        }
        return;
    }
    learnEditionCurrency(company, editionCountry);
}

std::string homeQuickBooksCurrency(const domain::Company& company) {
    const std::string home = companyCurrency(company);
    return home.empty() ? home : quickBooksNameOf(home);
}

bool sameCurrencyName(std::string_view a, std::string_view b) {
    if (equalsIgnoreCaseAscii(a, b)) return true;
    const auto isoA = qbxml::isoOfQuickBooksCurrency(a);
    const auto isoB = qbxml::isoOfQuickBooksCurrency(b);
    return isoA && isoB && *isoA == *isoB;
}

bool currencyMatches(const CurrencyPlan& plan, std::string_view quickBooksName) {
    if (!plan.multicurrency) return true;
    if (quickBooksName.empty()) return !plan.foreign;
    if (plan.currency.empty()) {
        return qbxml::isCurrency(quickBooksName, plan.companyCurrency) ||
               equalsIgnoreCaseAscii(quickBooksName, quickBooksNameOf(plan.companyCurrency));
    }
    return qbxml::isCurrency(quickBooksName, plan.currency) ||
           equalsIgnoreCaseAscii(quickBooksName, plan.quickBooksCurrency);
}

}  // namespace settlebridge::posting
