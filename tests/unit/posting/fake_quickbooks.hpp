#pragma once
// A small stand-in for a QuickBooks company file at the qbXML level, for unit tests: it reads the requests the
// planner renders (tinyxml2) and answers with responses written in QuickBooks' own format (status attributes,
// Ret elements, messages worded as QuickBooks words them; see tests/data/qbxml/samples/*Rs*.xml). It enforces what
// matters for exactly-once posting: references must exist (3140), names are unique (3100), and it keeps a ledger
// of every transaction, so a test can assert that each document landed exactly once.
//
// Failure injection: failNext[requestName] answers the next request of that kind with a given status instead;
// extraTax adds an amount to every sales receipt total (QuickBooks adding its own tax); keepExternalGuid = false
// stores transactions without their ExternalGUID (a lookup must then match on date, customer and total).
//
// Multicurrency (multicurrency = true, homeCurrency): customers and bank accounts have a currency (customerCurrency /
// accountCurrency, QuickBooks' names; absent = the home currency), reported as CurrencyRef; a CurrencyRef on an add
// with multicurrency off is refused (3250); a receipt's deposit account and a refund's account must be in the
// customer's currency or the home currency, a transfer's two accounts in one currency (3180 otherwise). A deposit
// (DepositAdd: one or more lines coded to accounts) is in its CurrencyRef's currency, else in the one of the account it
// goes to (a CurrencyRef must name a foreign deposit account's own currency, 3180; a home-currency account takes any;
// 3250 with multicurrency off, 3140 for an inactive currency), and each line's account must be in the deposit's
// currency or the home one (3180); its ExchangeRate is kept (3250 with multicurrency off, 3180 when not positive), as
// the simulator does.
//
// Types and names (issue 13) follow the one rule table, tools/quickbooks_sim/rules.json, which the simulated
// QuickBooks reads too: items of every type (`items` maps a name to its type, e.g. "ItemGroup") are answered by
// ItemQuery, but a sales line takes only the types the table lists (3140 otherwise, as the simulator answers); a
// deposit, refund, transfer or item account must be of a type the table lists for that reference (3140); a sub-item
// or sub-account has its parent's type (3180); customers, vendors, employees and other names are one name list (3100).

#include <tinyxml2.h>

#include <algorithm>
#include <cctype>
#include <deque>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "daemon/common/money.hpp"
#include "qbxml/response.hpp"

#include "daemon/common/json.hpp"
#include "tests/support/test_paths.hpp"

namespace settlebridge::testing {

/// tools/quickbooks_sim/rules.json: the rules the simulated QuickBooks and this fake share.
struct FakeRules {
    std::set<std::string> salesLineItemTypes;
    std::map<std::string, std::set<std::string>> accountRoles;  // "deposit", "refund", "transfer", "item" → types

    static const FakeRules& get() {
        static const FakeRules rules = load(std::string(SETTLEBRIDGE_SOURCE_DIR) + "/tools/quickbooks_sim/rules.json");
        return rules;
    }
    static FakeRules load(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        if (!in) throw std::runtime_error("FakeQuickBooks: cannot read " + path);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const auto json = common::Json::parse(text);
        FakeRules rules;
        for (const auto& t : json.find("sales_line_item_types")->find("types")->items()) {
            rules.salesLineItemTypes.insert(t.text());
        }
        for (const auto& [role, spec] : json.find("account_roles")->members()) {
            for (const auto& t : spec.find("types")->items()) rules.accountRoles[role].insert(t.text());
        }
        return rules;
    }
    bool accountAllowed(const std::string& role, const std::string& type) const {
        auto it = accountRoles.find(role);
        return it != accountRoles.end() && it->second.count(type) > 0;
    }
};

struct FakeTxn {
    std::string type;  // "SalesReceipt", "CreditMemo", "ARRefundCreditCard", "Transfer", "Deposit"
    std::string txnId;
    std::string refNumber;
    std::string txnDate;
    std::string customer;
    common::Cents total = 0;
    std::string externalGuid;
    std::string memo;
    std::string from;       // refund: the account paid from; transfer: from; deposit: its (first) line's account
    std::string to;         // transfer: to; deposit: the account deposited into
    std::string appliedTo;  // refund: the credit memo's TxnID
    std::string depositTo;  // sales receipt: the deposit account
    std::string currency;   // multicurrency: the transaction's currency (QuickBooks' name)
    std::string exchangeRate;  // the ExchangeRate sent ("" = none)
};

struct InjectedStatus {
    int code = 0;
    std::string severity = "Error";
    std::string message;
};

class FakeQuickBooks {
public:
    struct CaseInsensitiveLess {
        bool operator()(const std::string& a, const std::string& b) const {
            return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
                return std::tolower(static_cast<unsigned char>(x)) < std::tolower(static_cast<unsigned char>(y));
            });
        }
    };
    using NameSet = std::map<std::string, std::string, CaseInsensitiveLess>;  // full name → list id / type

    NameSet items;      // value: item type ("ItemNonInventory", "ItemGroup", ...)
    NameSet accounts;   // value: account type
    NameSet customers;
    NameSet vendors;    // with employees and other names: the rest of the one name list
    NameSet employees;
    NameSet otherNames;
    std::vector<FakeTxn> ledger;
    std::map<std::string, std::deque<InjectedStatus>> failNext;  // request element name → statuses to answer with
    common::Cents extraTax = 0;
    bool keepExternalGuid = true;
    std::string closingDate;
    bool multicurrency = false;
    std::string homeCurrency = "US Dollar";
    NameSet customerCurrency;  // customer → currency (QuickBooks' name); absent = home
    NameSet accountCurrency;   // bank account → currency; absent = home
    NameSet inactiveCurrencies;  // currencies a CurrencyRef may not name (3140, as an inactive currency is)
    NameSet itemAccount;         // item → the account it sells through (AccountRef or IncomeAccountRef)
    NameSet itemExpenseAccount;  // item → the account it buys through (SalesAndPurchase/ExpenseAccountRef)
    // The currency list's exchange rates (QuickBooks' name → "RATE@YYYY-MM-DD"); absent = no rate, as in the
    // simulator's new company file (tools/quickbooks_sim: a currency starts with no rate).
    NameSet exchangeRates;
    // The sales tax code list (name → "true" when taxable): the US edition's defaults, as the simulator's.
    NameSet salesTaxCodes{{"Non", "false"}, {"Tax", "true"}};
    int requests = 0;
    std::vector<std::string> requestNames;  // every request element answered, in order

    /// Answers one qbXML request document (every request of the message set, in order).
    std::string answer(const std::string& requestXml) {
        // QuickBooks reads a request as ASCII and refuses a raw byte above 0x7F as unparseable XML (the simulator's
        // rule too: tools/quickbooks_sim/textrules.py): every request the planner renders must be ASCII.
        if (std::any_of(requestXml.begin(), requestXml.end(), [](char c) { return (c & 0x80) != 0; })) {
            throw std::runtime_error("FakeQuickBooks: QuickBooks cannot parse a request with a raw byte above 0x7F");
        }
        tinyxml2::XMLDocument doc;
        if (doc.Parse(requestXml.c_str(), requestXml.size()) != tinyxml2::XML_SUCCESS) {
            throw std::runtime_error("FakeQuickBooks: request is not XML");
        }
        const auto* msgs = doc.RootElement() ? doc.RootElement()->FirstChildElement("QBXMLMsgsRq") : nullptr;
        const auto* first = msgs ? msgs->FirstChildElement() : nullptr;
        if (first == nullptr) throw std::runtime_error("FakeQuickBooks: no request element");
        if (first->NextSiblingElement() == nullptr) return answerOne(*first);
        std::string bodies;
        for (const auto* rq = first; rq != nullptr; rq = rq->NextSiblingElement()) {
            const std::string one = answerOne(*rq);
            const auto from = one.find("<QBXMLMsgsRs>\n") + 14;
            bodies += (bodies.empty() ? "" : "\n") + one.substr(from, one.rfind("\n</QBXMLMsgsRs>") - from);
        }
        return wrap(bodies);
    }

    /// Answers one request element.
    std::string answerOne(const tinyxml2::XMLElement& request) {
        const auto* rq = &request;
        ++requests;
        const std::string name = rq->Name();
        requestNames.push_back(name);
        const std::string id = rq->Attribute("requestID") ? rq->Attribute("requestID") : "";
        const std::string rsName = name.substr(0, name.size() - 2) + "Rs";
        if (auto it = failNext.find(name); it != failNext.end() && !it->second.empty()) {
            InjectedStatus s = it->second.front();
            it->second.pop_front();
            return wrap(status(rsName, id, s.code, s.severity, s.message) + "/>");
        }
        if (name == "PreferencesQueryRq") return preferences(id);
        if (name == "ItemQueryRq") return listQuery(*rq, rsName, id, items, "ItemNonInventoryRet");
        if (name == "AccountQueryRq") return listQuery(*rq, rsName, id, accounts, "AccountRet");
        if (name == "CustomerQueryRq") return listQuery(*rq, rsName, id, customers, "CustomerRet");
        if (name == "VendorQueryRq") return listQuery(*rq, rsName, id, vendors, "VendorRet");
        if (name == "EmployeeQueryRq") return listQuery(*rq, rsName, id, employees, "EmployeeRet");
        if (name == "OtherNameQueryRq") return listQuery(*rq, rsName, id, otherNames, "OtherNameRet");
        if (name == "AccountAddRq") return listAdd(*rq, "AccountAdd", rsName, id, accounts, "AccountRet");
        if (name == "CustomerAddRq") return listAdd(*rq, "CustomerAdd", rsName, id, customers, "CustomerRet");
        if (name == "ItemNonInventoryAddRq") {
            return listAdd(*rq, "ItemNonInventoryAdd", rsName, id, items, "ItemNonInventoryRet");
        }
        if (name == "ItemOtherChargeAddRq") {
            return listAdd(*rq, "ItemOtherChargeAdd", rsName, id, items, "ItemOtherChargeRet");
        }
        if (name == "ItemServiceAddRq") return listAdd(*rq, "ItemServiceAdd", rsName, id, items, "ItemServiceRet");
        if (name == "SalesReceiptAddRq") return txnAdd(*rq, "SalesReceipt", rsName, id);
        if (name == "CreditMemoAddRq") return txnAdd(*rq, "CreditMemo", rsName, id);
        if (name == "ARRefundCreditCardAddRq") return refundAdd(*rq, rsName, id);
        if (name == "TransferAddRq") return transferAdd(*rq, rsName, id);
        if (name == "DepositAddRq") return depositAdd(*rq, rsName, id);
        if (name == "SalesReceiptQueryRq") return txnQuery(*rq, "SalesReceipt", rsName, id);
        if (name == "CreditMemoQueryRq") return txnQuery(*rq, "CreditMemo", rsName, id);
        if (name == "ARRefundCreditCardQueryRq") return txnQuery(*rq, "ARRefundCreditCard", rsName, id);
        if (name == "TransferQueryRq") return transferQuery(*rq, rsName, id, "Transfer");
        if (name == "DepositQueryRq") return transferQuery(*rq, rsName, id, "Deposit");
        if (name == "SalesTaxCodeQueryRq") return salesTaxCodeQuery(rsName, id);
        if (name == "CurrencyQueryRq") return currencyQuery(*rq, rsName, id);
        throw std::runtime_error("FakeQuickBooks: unsupported request " + name);
    }

    /// How many requests of this element name (e.g. "DepositAddRq") were answered.
    std::ptrdiff_t answered(const std::string& name) const {
        return std::count(requestNames.begin(), requestNames.end(), name);
    }

    int count(const std::string& type, const std::string& refNumber) const {
        return static_cast<int>(std::count_if(ledger.begin(), ledger.end(), [&](const FakeTxn& t) {
            return t.type == type && t.refNumber == refNumber;
        }));
    }

    /// Balance of a bank account in its own currency: receipts deposited to it and transfers to it in, refunds
    /// paid from it and transfers from it out.
    common::Cents balance(const std::string& account) const {
        common::Cents balance = 0;
        const CaseInsensitiveLess less;
        auto same = [&](const std::string& a) { return !less(a, account) && !less(account, a); };
        for (const auto& t : ledger) {
            if (t.type == "SalesReceipt" && same(t.depositTo)) balance += t.total;
            if (t.type == "ARRefundCreditCard" && same(t.from)) balance -= t.total;
            if ((t.type == "Transfer" || t.type == "Deposit") && same(t.from)) balance -= t.total;
            if ((t.type == "Transfer" || t.type == "Deposit") && same(t.to)) balance += t.total;
        }
        return balance;
    }

    /// Balance of the clearing account: receipts in, refunds and transfers out.
    common::Cents clearingBalance(const std::string& clearing) const {
        common::Cents balance = 0;
        for (const auto& t : ledger) {
            if (t.type == "SalesReceipt") balance += t.total;
            if (t.type == "ARRefundCreditCard" && t.from == clearing) balance -= t.total;
            if ((t.type == "Transfer" || t.type == "Deposit") && t.from == clearing) balance -= t.total;
        }
        return balance;
    }

    static std::string escape(const std::string& text) {
        std::string out;
        for (char c : text) {
            switch (c) {
                case '&': out += "&amp;"; break;
                case '<': out += "&lt;"; break;
                case '>': out += "&gt;"; break;
                case '"': out += "&quot;"; break;
                default: out += c;
            }
        }
        return out;
    }

    static std::string wrap(const std::string& body) {
        return "<?xml version=\"1.0\" ?>\n<QBXML>\n<QBXMLMsgsRs>\n" + body + "\n</QBXMLMsgsRs>\n</QBXML>\n";
    }

    /// `<XxxRs requestID=".." statusCode=".." statusSeverity=".." statusMessage=".."` (unterminated).
    static std::string status(const std::string& rs, const std::string& id, int code, const std::string& severity,
                              const std::string& message) {
        return "<" + rs + " requestID=\"" + escape(id) + "\" statusCode=\"" + std::to_string(code) +
               "\" statusSeverity=\"" + severity + "\" statusMessage=\"" + escape(message) + "\"";
    }

private:
    static std::string text(const tinyxml2::XMLElement& parent, const char* child) {
        const auto* e = parent.FirstChildElement(child);
        return e && e->GetText() ? e->GetText() : "";
    }
    static std::string refName(const tinyxml2::XMLElement& parent, const char* ref) {
        const auto* e = parent.FirstChildElement(ref);
        return e ? text(*e, "FullName") : "";
    }
    static std::string leaf(const std::string& name, const std::string& value) {
        return "<" + name + ">" + escape(value) + "</" + name + ">";
    }
    static std::string ref(const std::string& name, const std::string& fullName) {
        return "<" + name + "><ListID>80000001-1700000000</ListID><FullName>" + escape(fullName) + "</FullName></" +
               name + ">";
    }
    std::string listWord(const NameSet& set) const {
        return &set == &accounts ? "Account" : &set == &customers ? "Customer" : "Item";
    }
    /// Customers, vendors, employees and other names share one name space.
    bool nameInUse(const std::string& fullName) const {
        return customers.count(fullName) || vendors.count(fullName) || employees.count(fullName) ||
               otherNames.count(fullName);
    }
    /// Account types QuickBooks keeps in a currency of their own (the others are in the home currency), as the
    /// simulator's CURRENCY_ACCOUNT_TYPES.
    static bool hasCurrency(const std::string& accountType) {
        return accountType == "Bank" || accountType == "CreditCard" || accountType == "AccountsReceivable" ||
               accountType == "AccountsPayable";
    }
    /// Item types whose Ret has a FullName (those that can be sub-items); the others answer a Name only.
    static bool hasFullName(const std::string& type) {
        return type == "ItemService" || type == "ItemNonInventory" || type == "ItemOtherCharge" ||
               type == "ItemInventory" || type == "ItemInventoryAssembly" || type == "ItemDiscount" ||
               type == "Account" || type == "Customer";
    }
    /// 3140 when `account` exists but its type does not fit the reference (rules.json "account_roles").
    std::optional<std::string> wrongAccountType(const std::string& rsName, const std::string& id,
                                                const std::string& role, const std::string& account,
                                                const std::string& where) {
        auto it = accounts.find(account);
        if (it == accounts.end() || FakeRules::get().accountAllowed(role, it->second)) return std::nullopt;
        return invalidReference(rsName, id, "Account", it->first, where);
    }
    std::string nextId(const char* prefix) { return std::string(prefix) + std::to_string(++sequence_) + "-1710500000"; }

    /// The currency of a customer or account (QuickBooks' name; the home currency when it has none of its own).
    std::string currencyOf(const NameSet& set, const std::string& name) const {
        const NameSet& currencies = &set == &customers ? customerCurrency : accountCurrency;
        auto it = currencies.find(name);
        return it == currencies.end() ? homeCurrency : it->second;
    }
    /// 3180 unless `account` is in `currency` or the home currency (multicurrency on).
    std::optional<std::string> wrongAccountCurrency(const std::string& rsName, const std::string& id,
                                                    const std::string& type, const std::string& account,
                                                    const std::string& currency) const {
        if (!multicurrency) return std::nullopt;
        const std::string have = currencyOf(accounts, account);
        if (have == currency || have == homeCurrency) return std::nullopt;
        return wrap(status(rsName, id, 3180, "Error",
                           "There was an error when saving a " + type + ".  QuickBooks error message: The currency "
                           "of the account \"" + account + "\" (" + have + ") must be the currency of the customer (" +
                           currency + ") or the home currency (" + homeCurrency + ").") + "/>");
    }

    std::string preferences(const std::string& id) {
        std::string body = status("PreferencesQueryRs", id, 0, "Info", "Status OK") + "><PreferencesRet>";
        body += "<AccountingPreferences><IsUsingAccountNumbers>false</IsUsingAccountNumbers>"
                "<IsRequiringAccounts>true</IsRequiringAccounts><IsUsingClassTracking>false</IsUsingClassTracking>"
                "<IsUsingAuditTrail>true</IsUsingAuditTrail>"
                "<IsAssigningJournalEntryNumbers>true</IsAssigningJournalEntryNumbers>";
        if (!closingDate.empty()) body += leaf("ClosingDate", closingDate);
        body += "</AccountingPreferences><MultiCurrencyPreferences>";
        body += multicurrency ? "<IsMultiCurrencyOn>true</IsMultiCurrencyOn>" + ref("HomeCurrencyRef", homeCurrency)
                              : std::string("<IsMultiCurrencyOn>false</IsMultiCurrencyOn>");
        body += "</MultiCurrencyPreferences><SalesTaxPreferences><DefaultItemSalesTaxRef><FullName>State Tax"
                "</FullName></DefaultItemSalesTaxRef><PaySalesTax>Monthly</PaySalesTax>"
                "<DefaultTaxableSalesTaxCodeRef><FullName>Tax</FullName></DefaultTaxableSalesTaxCodeRef>"
                "<DefaultNonTaxableSalesTaxCodeRef><FullName>Non</FullName></DefaultNonTaxableSalesTaxCodeRef>"
                "</SalesTaxPreferences></PreferencesRet></PreferencesQueryRs>";
        return wrap(body);
    }

    std::string salesTaxCodeQuery(const std::string& rsName, const std::string& id) {
        std::string rets;
        for (const auto& [name, taxable] : salesTaxCodes) {
            rets += "<SalesTaxCodeRet>" + leaf("Name", name) + "<IsActive>true</IsActive>" + leaf("IsTaxable", taxable) +
                    "</SalesTaxCodeRet>";
        }
        return wrap(status(rsName, id, 0, "Info", "Status OK") + ">" + rets + "</" + rsName + ">");
    }

    std::string currencyQuery(const tinyxml2::XMLElement& rq, const std::string& rsName, const std::string& id) {
        if (!multicurrency) {
            return notEnabled(rsName, id);
        }
        std::string rets;
        for (const auto* e = rq.FirstChildElement("FullName"); e; e = e->NextSiblingElement("FullName")) {
            const std::string name = e->GetText() ? e->GetText() : "";
            rets += "<CurrencyRet>" + leaf("Name", name) + "<IsActive>true</IsActive>";
            if (auto it = exchangeRates.find(name); it != exchangeRates.end()) {
                const auto at = it->second.find('@');
                rets += leaf("ExchangeRate", it->second.substr(0, at)) + leaf("AsOfDate", it->second.substr(at + 1));
            }
            rets += "</CurrencyRet>";
        }
        return wrap(status(rsName, id, 0, "Info", "Status OK") + ">" + rets + "</" + rsName + ">");
    }

    std::string listQuery(const tinyxml2::XMLElement& rq, const std::string& rsName, const std::string& id,
                          const NameSet& set, const std::string& retName) {
        std::vector<std::string> wanted;
        for (const auto* e = rq.FirstChildElement("FullName"); e; e = e->NextSiblingElement("FullName")) {
            wanted.push_back(e->GetText() ? e->GetText() : "");
        }
        std::string rets;
        std::string missing;
        for (const auto& name : wanted) {
            auto it = set.find(name);
            if (it == set.end()) {
                if (missing.empty()) missing = name;
                continue;
            }
            std::string ret = retName;
            if (&set == &items && it->second.rfind("Item", 0) == 0) ret = it->second + "Ret";
            rets += "<" + ret + "><ListID>" + std::to_string(std::hash<std::string>{}(it->first) % 100000) +
                    "-1700000000</ListID>" + leaf("Name", it->first.substr(it->first.rfind(':') + 1)) +
                    (hasFullName(ret.substr(0, ret.size() - 3)) ? leaf("FullName", it->first) : std::string()) +
                    "<IsActive>true</IsActive>";
            if (&set == &accounts) rets += leaf("AccountType", it->second);
            if (multicurrency && (&set == &customers || (&set == &accounts && hasCurrency(it->second)))) {
                rets += ref("CurrencyRef", currencyOf(set, it->first));
            }
            rets += "</" + ret + ">";
        }
        if (rets.empty()) {
            return wrap(status(rsName, id, 1, "Info",
                               "A query request did not find a matching object in QuickBooks") + "/>");
        }
        if (!missing.empty()) {
            return wrap(status(rsName, id, 500, "Warn",
                               "The query request has not been fully completed. There was a required element (\"" +
                                   missing + "\") that could not be found in QuickBooks.") +
                        ">" + rets + "</" + rsName + ">");
        }
        return wrap(status(rsName, id, 0, "Info", "Status OK") + ">" + rets + "</" + rsName + ">");
    }

    std::string listAdd(const tinyxml2::XMLElement& rq, const char* addName, const std::string& rsName,
                        const std::string& id, NameSet& set, const std::string& retName) {
        const auto* add = rq.FirstChildElement(addName);
        const std::string leafName = text(*add, "Name");
        const std::string parent = refName(*add, "ParentRef");
        const std::string fullName = parent.empty() ? leafName : parent + ":" + leafName;
        if (!parent.empty() && !set.count(parent)) {
            return wrap(status(rsName, id, 3140, "Error",
                               "There is an invalid reference to QuickBooks " + listWord(set) + " \"" + parent + "\" in the " + std::string(addName) +
                                   ".  QuickBooks error message: Invalid argument.  The specified record does not "
                                   "exist in the list.") + "/>");
        }
        if (set.count(fullName) || (&set == &customers && nameInUse(fullName))) {
            return wrap(status(rsName, id, 3100, "Error",
                               "The name \"" + fullName + "\" of the list element is already in use.") + "/>");
        }
        const std::string addType = &set == &accounts ? text(*add, "AccountType") : retName.substr(0, retName.size() - 3);
        if (!parent.empty() && (&set == &accounts || &set == &items) && set.at(parent) != addType) {
            const bool account = &set == &accounts;
            return wrap(status(rsName, id, 3180, "Error",
                               "There was an error when saving a " + std::string(account ? "Account" : addType) +
                                   ".  QuickBooks error message: A " + (account ? "subaccount" : "subitem") +
                                   " must be of the same type as its parent " + (account ? "account" : "item") +
                                   " (\"" + parent + "\" is " + set.at(parent) + ").") + "/>");
        }
        const std::string currency = refName(*add, "CurrencyRef");
        if (!currency.empty()) {
            if (!multicurrency) {
                return notEnabled(rsName, id);
            }
            if (inactiveCurrencies.count(currency)) {
                return invalidReference(rsName, id, "Currency", currency, addName);
            }
            (&set == &customers ? customerCurrency : accountCurrency)[fullName] = currency;
        }
        if (&set == &accounts) {
            set[fullName] = text(*add, "AccountType");
        } else if (&set == &items) {
            const std::string type = retName.substr(0, retName.size() - 3);
            std::vector<std::string> itemAccounts;
            if (const auto* sop = add->FirstChildElement("SalesOrPurchase")) {
                itemAccounts.push_back(refName(*sop, "AccountRef"));
            } else if (const auto* sap = add->FirstChildElement("SalesAndPurchase")) {
                itemAccounts.push_back(refName(*sap, "IncomeAccountRef"));
                itemAccounts.push_back(refName(*sap, "ExpenseAccountRef"));
            }
            for (const auto& account : itemAccounts) {
                if (!accounts.count(account)) return invalidReference(rsName, id, "Account", account, type);
                if (auto wrong = wrongAccountType(rsName, id, "item", account, type)) return *wrong;
            }
            set[fullName] = type;
            if (!itemAccounts.empty()) itemAccount[fullName] = itemAccounts.front();
            if (itemAccounts.size() > 1) itemExpenseAccount[fullName] = itemAccounts.back();
        } else {
            set[fullName] = "";
        }
        std::string body = status(rsName, id, 0, "Info", "Status OK") + "><" + retName + "><ListID>" +
                           nextId("80000") + "</ListID>" + leaf("Name", leafName) + leaf("FullName", fullName) +
                           "<IsActive>true</IsActive>";
        if (&set == &accounts) body += leaf("AccountType", text(*add, "AccountType"));
        if (multicurrency && (&set == &customers || (&set == &accounts && hasCurrency(set[fullName])))) {
            body += ref("CurrencyRef", currencyOf(set, fullName));
        }
        body += "</" + retName + "></" + rsName + ">";
        return wrap(body);
    }

    std::string invalidReference(const std::string& rsName, const std::string& id, const std::string& what,
                                 const std::string& name, const std::string& where) {
        return wrap(status(rsName, id, 3140, "Error",
                           "There is an invalid reference to QuickBooks " + what + " \"" + name + "\" in the " + where +
                               ".  QuickBooks error message: Invalid argument.  The specified record does not exist "
                               "in the list.") + "/>");
    }

    std::string txnRet(const std::string& type, const FakeTxn& t) {
        std::string ret = "<" + type + "Ret>" + leaf("TxnID", t.txnId) +
                          "<TimeCreated>2024-03-21T10:00:00-08:00</TimeCreated><EditSequence>1710500000</EditSequence>";
        if (!t.customer.empty()) ret += ref("CustomerRef", t.customer);
        if (type == "Transfer") {
            ret += leaf("TxnDate", t.txnDate) + ref("TransferFromAccountRef", t.from) + ref("TransferToAccountRef", t.to) +
                   leaf("Amount", common::formatCents(t.total)) + leaf("Memo", t.memo);
        } else if (type == "Deposit") {
            ret += leaf("TxnDate", t.txnDate) + ref("DepositToAccountRef", t.to) + leaf("Memo", t.memo) +
                   leaf("DepositTotal", common::formatCents(t.total));
            if (multicurrency) ret += ref("CurrencyRef", t.currency);
            if (!t.exchangeRate.empty()) ret += leaf("ExchangeRate", t.exchangeRate);
            if (!t.externalGuid.empty()) ret += leaf("ExternalGUID", t.externalGuid);
        } else {
            ret += leaf("TxnDate", t.txnDate) + leaf("RefNumber", t.refNumber) +
                   leaf("TotalAmount", common::formatCents(t.total)) + leaf("Memo", t.memo);
            if (!t.externalGuid.empty()) ret += leaf("ExternalGUID", t.externalGuid);
        }
        return ret + "</" + type + "Ret>";
    }

    std::string txnAdd(const tinyxml2::XMLElement& rq, const std::string& type, const std::string& rsName,
                       const std::string& id) {
        const auto* add = rq.FirstChildElement((type + "Add").c_str());
        FakeTxn t;
        t.type = type;
        t.customer = refName(*add, "CustomerRef");
        t.txnDate = text(*add, "TxnDate");
        t.refNumber = text(*add, "RefNumber");
        t.memo = text(*add, "Memo");
        t.externalGuid = text(*add, "ExternalGUID");
        if (!customers.count(t.customer)) return invalidReference(rsName, id, "Customer", t.customer, type);
        if (multicurrency) t.currency = currencyOf(customers, t.customer);
        if (type == "SalesReceipt") {
            const std::string deposit = refName(*add, "DepositToAccountRef");
            if (!accounts.count(deposit)) return invalidReference(rsName, id, "Account", deposit, type);
            if (auto wrong = wrongAccountType(rsName, id, "deposit", deposit, type)) return *wrong;
            if (auto wrong = wrongAccountCurrency(rsName, id, type, deposit, t.currency)) return *wrong;
            t.depositTo = deposit;
        }
        if (!closingDate.empty() && t.txnDate <= closingDate) {
            return wrap(status(rsName, id, 3171, "Error",
                               "The transaction date is on or before the closing date of the company file.") + "/>");
        }
        const std::string lineName = type + "LineAdd";
        for (const auto* line = add->FirstChildElement(lineName.c_str()); line;
             line = line->NextSiblingElement(lineName.c_str())) {
            const std::string item = refName(*line, "ItemRef");
            auto found = items.find(item);
            if (found == items.end() || !FakeRules::get().salesLineItemTypes.count(found->second)) {
                return invalidReference(rsName, id, "Item", found == items.end() ? item : found->first, type + " line");
            }
            t.total += qbxml::parseAmountCents(text(*line, "Amount")).value_or(0);
        }
        if (type == "SalesReceipt") t.total += extraTax;
        t.txnId = nextId(type == "SalesReceipt" ? "1A" : "1C");
        if (!keepExternalGuid) t.externalGuid.clear();
        ledger.push_back(t);
        return wrap(status(rsName, id, 0, "Info", "Status OK") + ">" + txnRet(type, t) + "</" + rsName + ">");
    }

    std::string refundAdd(const tinyxml2::XMLElement& rq, const std::string& rsName, const std::string& id) {
        const auto* add = rq.FirstChildElement("ARRefundCreditCardAdd");
        FakeTxn t;
        t.type = "ARRefundCreditCard";
        t.customer = refName(*add, "CustomerRef");
        t.from = refName(*add, "RefundFromAccountRef");
        t.txnDate = text(*add, "TxnDate");
        t.refNumber = text(*add, "RefNumber");
        t.memo = text(*add, "Memo");
        t.externalGuid = text(*add, "ExternalGUID");
        if (!customers.count(t.customer)) return invalidReference(rsName, id, "Customer", t.customer, "ARRefundCreditCard");
        if (!accounts.count(t.from)) return invalidReference(rsName, id, "Account", t.from, "ARRefundCreditCard");
        if (auto wrong = wrongAccountType(rsName, id, "refund", t.from, "ARRefundCreditCard")) return *wrong;
        if (multicurrency) {
            t.currency = currencyOf(customers, t.customer);
            if (auto wrong = wrongAccountCurrency(rsName, id, "ARRefundCreditCard", t.from, t.currency)) return *wrong;
        }
        const auto* applied = add->FirstChildElement("RefundAppliedToTxnAdd");
        t.appliedTo = text(*applied, "TxnID");
        t.total = qbxml::parseAmountCents(text(*applied, "RefundAmount")).value_or(0);
        const bool memoExists = std::any_of(ledger.begin(), ledger.end(), [&](const FakeTxn& x) {
            return x.type == "CreditMemo" && x.txnId == t.appliedTo && x.total >= t.total;
        });
        if (!memoExists) {
            return wrap(status(rsName, id, 3120, "Error",
                               "Object \"" + t.appliedTo + "\" specified in the request cannot be found.  QuickBooks "
                               "error message: Invalid argument.  The specified record does not exist in the list.") +
                        "/>");
        }
        t.txnId = nextId("1P");
        if (!keepExternalGuid) t.externalGuid.clear();
        ledger.push_back(t);
        return wrap(status(rsName, id, 0, "Info", "Status OK") + ">" + txnRet("ARRefundCreditCard", t) + "</" + rsName + ">");
    }

    std::string transferAdd(const tinyxml2::XMLElement& rq, const std::string& rsName, const std::string& id) {
        const auto* add = rq.FirstChildElement("TransferAdd");
        FakeTxn t;
        t.type = "Transfer";
        t.txnDate = text(*add, "TxnDate");
        t.from = refName(*add, "TransferFromAccountRef");
        t.to = refName(*add, "TransferToAccountRef");
        t.memo = text(*add, "Memo");
        t.total = qbxml::parseAmountCents(text(*add, "Amount")).value_or(0);
        if (!accounts.count(t.from)) return invalidReference(rsName, id, "Account", t.from, "Transfer");
        if (!accounts.count(t.to)) return invalidReference(rsName, id, "Account", t.to, "Transfer");
        if (auto wrong = wrongAccountType(rsName, id, "transfer", t.from, "Transfer")) return *wrong;
        if (auto wrong = wrongAccountType(rsName, id, "transfer", t.to, "Transfer")) return *wrong;
        if (multicurrency && currencyOf(accounts, t.from) != currencyOf(accounts, t.to)) {
            return wrap(status(rsName, id, 3180, "Error",
                               "There was an error when saving a Transfer.  QuickBooks error message: A transfer moves "
                               "money between two accounts in one currency.") + "/>");
        }
        if (multicurrency) t.currency = currencyOf(accounts, t.from);
        t.txnId = nextId("1T");
        ledger.push_back(t);
        return wrap(status(rsName, id, 0, "Info", "Status OK") + ">" + txnRet("Transfer", t) + "</" + rsName + ">");
    }

    /// DepositAdd with lines coded to accounts (DepositInfo), as the simulator models it (tools/quickbooks_sim/banking.py).
    std::string depositAdd(const tinyxml2::XMLElement& rq, const std::string& rsName, const std::string& id) {
        const auto* add = rq.FirstChildElement("DepositAdd");
        FakeTxn t;
        t.type = "Deposit";
        t.txnDate = text(*add, "TxnDate");
        t.to = refName(*add, "DepositToAccountRef");
        t.memo = text(*add, "Memo");
        t.externalGuid = text(*add, "ExternalGUID");
        t.exchangeRate = text(*add, "ExchangeRate");
        if (!accounts.count(t.to)) return invalidReference(rsName, id, "Account", t.to, "Deposit");
        if (auto wrong = wrongAccountType(rsName, id, "deposit", t.to, "Deposit")) return *wrong;
        if (multicurrency) t.currency = currencyOf(accounts, t.to);
        if (add->FirstChildElement("CurrencyRef") != nullptr) {
            const std::string named = refName(*add, "CurrencyRef");
            if (!multicurrency) {
                return notEnabled(rsName, id);
            }
            if (inactiveCurrencies.count(named)) return invalidReference(rsName, id, "Currency", named, "Deposit");
            if (t.currency != homeCurrency && named != t.currency) {
                return saveError(rsName, id, "Deposit",
                                 "The currency of the deposit (" + named + ") must be the currency of the deposit "
                                 "account \"" + t.to + "\" (" + t.currency + ").");
            }
            t.currency = named;
        }
        if (add->FirstChildElement("DepositLineAdd") == nullptr) return saveError(rsName, id, "Deposit", "The transaction has no lines.");
        for (const auto* line = add->FirstChildElement("DepositLineAdd"); line;
             line = line->NextSiblingElement("DepositLineAdd")) {
            const std::string account = refName(*line, "AccountRef");
            if (!accounts.count(account)) return invalidReference(rsName, id, "Account", account, "Deposit");
            if (auto wrong = wrongAccountType(rsName, id, "deposit_line", account, "Deposit")) return *wrong;
            if (multicurrency) {
                const std::string have = currencyOf(accounts, account);
                if (have != t.currency && have != homeCurrency) {
                    return saveError(rsName, id, "Deposit",
                                     "The currency of the account \"" + account + "\" (" + have +
                                         ") must be the currency of the deposit (" + t.currency +
                                         ") or the home currency (" + homeCurrency + ").");
                }
            }
            if (t.from.empty()) t.from = account;
            t.total += qbxml::parseAmountCents(text(*line, "Amount")).value_or(0);
        }
        if (!t.exchangeRate.empty()) {
            if (!multicurrency) {
                return notEnabled(rsName, id);
            }
            if (t.exchangeRate.find_first_not_of("0123456789.") != std::string::npos ||
                t.exchangeRate.find_first_of("123456789") == std::string::npos) {
                return saveError(rsName, id, "Deposit", "The exchange rate \"" + t.exchangeRate + "\" must be positive.");
            }
        }
        if (t.total <= 0) return saveError(rsName, id, "Deposit", "Transaction amount must be positive.");
        if (!closingDate.empty() && t.txnDate <= closingDate) {
            return wrap(status(rsName, id, 3171, "Error",
                               "The transaction date is on or before the closing date of the company file.") + "/>");
        }
        t.txnId = nextId("1D");
        if (!keepExternalGuid) t.externalGuid.clear();
        ledger.push_back(t);
        return wrap(status(rsName, id, 0, "Info", "Status OK") + ">" + txnRet("Deposit", t) + "</" + rsName + ">");
    }

    /// QuickBooks' answer to a feature the company file has turned off (multicurrency).
    std::string notEnabled(const std::string& rsName, const std::string& id) {
        return wrap(status(rsName, id, 3250, "Error",
                           "This feature is not enabled or not available in this version of QuickBooks.") +
                    "/>");
    }

    /// A transaction query's answer: the rets found, or status 1 when there are none.
    std::string queryAnswer(const std::string& rsName, const std::string& id, const std::string& rets) {
        if (rets.empty()) {
            return wrap(status(rsName, id, 1, "Info", "A query request did not find a matching object in QuickBooks") +
                        "/>");
        }
        return wrap(status(rsName, id, 0, "Info", "Status OK") + ">" + rets + "</" + rsName + ">");
    }

    std::string saveError(const std::string& rsName, const std::string& id, const std::string& type,
                          const std::string& detail) {
        return wrap(status(rsName, id, 3180, "Error",
                           "There was an error when saving a " + type + ".  QuickBooks error message: " + detail) +
                    "/>");
    }

    std::string txnQuery(const tinyxml2::XMLElement& rq, const std::string& type, const std::string& rsName,
                         const std::string& id) {
        const std::string refNumber = text(rq, "RefNumberCaseSensitive");
        std::string rets;
        for (const auto& t : ledger) {
            if (t.type == type && t.refNumber == refNumber) rets += txnRet(type, t);
        }
        return queryAnswer(rsName, id, rets);
    }

    /// TransferQuery or DepositQuery by TxnDateRangeFilter (one day).
    std::string transferQuery(const tinyxml2::XMLElement& rq, const std::string& rsName, const std::string& id,
                              const std::string& type) {
        const auto* filter = rq.FirstChildElement("TxnDateRangeFilter");
        const std::string date = filter ? text(*filter, "FromTxnDate") : "";
        std::string rets;
        for (const auto& t : ledger) {
            if (t.type == type && t.txnDate == date) rets += txnRet(type, t);
        }
        return queryAnswer(rsName, id, rets);
    }

    int sequence_ = 0;
};

}  // namespace settlebridge::testing
