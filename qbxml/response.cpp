#include "qbxml/response.hpp"

#include <cctype>
#include <charconv>
#include <string>

#include <tinyxml2.h>

#include "daemon/common/text.hpp"
#include "qbxml/text.hpp"

namespace settlebridge::qbxml {

std::string_view toString(Severity severity) noexcept {
    switch (severity) {
        case Severity::Info: return "Info";
        case Severity::Warn: return "Warn";
        case Severity::Error: return "Error";
    }
    return "Error";
}

namespace {

using common::equalsIgnoreCaseAscii;
using tinyxml2::XMLElement;

bool endsWith(std::string_view text, std::string_view suffix) noexcept {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string trimmed(const char* text) {
    if (text == nullptr) {
        return {};
    }
    std::string_view view(text);
    while (!view.empty() && std::isspace(static_cast<unsigned char>(view.front()))) {
        view.remove_prefix(1);
    }
    while (!view.empty() && std::isspace(static_cast<unsigned char>(view.back()))) {
        view.remove_suffix(1);
    }
    return std::string(view);
}

/// Text of the child element `name` ("" when absent).
std::string childText(const XMLElement& parent, const char* name) {
    const XMLElement* child = parent.FirstChildElement(name);
    return child != nullptr ? trimmed(child->GetText()) : std::string();
}

/// Text of `name`/FullName ("" when absent).
std::string refFullName(const XMLElement& parent, const char* name) {
    const XMLElement* ref = parent.FirstChildElement(name);
    return ref != nullptr ? childText(*ref, "FullName") : std::string();
}

bool parseBool(const std::string& text, bool absent) {
    if (text.empty()) {
        return absent;
    }
    return text == "true" || text == "1";
}

std::string where(const XMLElement& element) {
    return " (line " + std::to_string(element.GetLineNum()) + ")";
}

std::optional<common::Cents> amountChild(const XMLElement& parent, const char* name) {
    const XMLElement* child = parent.FirstChildElement(name);
    if (child == nullptr) {
        return std::nullopt;
    }
    const std::string text = trimmed(child->GetText());
    const std::optional<common::Cents> cents = parseAmountCents(text);
    if (!cents) {
        throw ResponseError("qbXML response: <" + std::string(name) + "> holds \"" + text +
                            "\", which is not an amount" + where(*child));
    }
    return cents;
}

std::optional<int> intAttribute(const XMLElement& element, const char* name) {
    const char* text = element.Attribute(name);
    if (text == nullptr) {
        return std::nullopt;
    }
    const std::string value = trimmed(text);
    int out = 0;
    const char* first = value.data();
    const char* last = value.data() + value.size();
    const auto [ptr, ec] = std::from_chars(first, last, out);
    if (value.empty() || ec != std::errc() || ptr != last) {
        throw ResponseError("qbXML response: <" + std::string(element.Name()) + "> has " + name + "=\"" + value +
                            "\", which is not a number" + where(element));
    }
    return out;
}

bool isTxnRet(const XMLElement& ret) {
    static constexpr std::string_view kTxnRets[] = {
        "SalesReceiptRet", "CreditMemoRet", "ARRefundCreditCardRet", "TransferRet", "InvoiceRet",
        "ReceivePaymentRet", "DepositRet", "JournalEntryRet", "CheckRet", "BillRet", "ChargeRet",
        "SalesOrderRet", "EstimateRet", "CreditCardChargeRet", "CreditCardCreditRet", "VendorCreditRet",
    };
    const std::string_view name = ret.Name();
    for (const std::string_view known : kTxnRets) {
        if (name == known) {
            return true;
        }
    }
    return ret.FirstChildElement("TxnID") != nullptr;
}

TxnRet parseTxn(const XMLElement& ret) {
    TxnRet txn;
    txn.retType = ret.Name();
    txn.txnId = childText(ret, "TxnID");
    txn.editSequence = childText(ret, "EditSequence");
    txn.txnNumber = childText(ret, "TxnNumber");
    txn.txnDate = childText(ret, "TxnDate");
    txn.refNumber = childText(ret, "RefNumber");
    txn.customerFullName = refFullName(ret, "CustomerRef");
    txn.totalAmount = amountChild(ret, "TotalAmount");
    if (!txn.totalAmount && txn.retType == "TransferRet") {
        txn.totalAmount = amountChild(ret, "Amount");
    }
    if (!txn.totalAmount && txn.retType == "DepositRet") {
        txn.totalAmount = amountChild(ret, "DepositTotal");
    }
    txn.creditRemaining = amountChild(ret, "CreditRemaining");
    txn.memo = childText(ret, "Memo");
    txn.externalGuid = childText(ret, "ExternalGUID");
    txn.depositToAccount = refFullName(ret, "DepositToAccountRef");
    txn.refundFromAccount = refFullName(ret, "RefundFromAccountRef");
    txn.transferFromAccount = refFullName(ret, "TransferFromAccountRef");
    txn.transferToAccount = refFullName(ret, "TransferToAccountRef");
    for (const XMLElement* applied = ret.FirstChildElement("RefundAppliedToTxnRet"); applied != nullptr;
         applied = applied->NextSiblingElement("RefundAppliedToTxnRet")) {
        txn.refundAppliedTo.push_back({childText(*applied, "TxnID"), amountChild(*applied, "RefundAmount")});
    }
    return txn;
}

ListRet parseList(const XMLElement& ret) {
    ListRet list;
    list.retType = ret.Name();
    list.type = list.retType.substr(0, list.retType.size() - 3);
    list.listId = childText(ret, "ListID");
    list.editSequence = childText(ret, "EditSequence");
    list.name = childText(ret, "Name");
    list.fullName = childText(ret, "FullName");
    if (list.fullName.empty()) {
        list.fullName = list.name;
    }
    list.isActive = parseBool(childText(ret, "IsActive"), true);
    list.accountType = childText(ret, "AccountType");
    list.currency = refFullName(ret, "CurrencyRef");
    list.isTaxable = parseBool(childText(ret, "IsTaxable"), false);
    list.description = childText(ret, "Desc");
    list.currencyCode = childText(ret, "CurrencyCode");
    list.exchangeRate = childText(ret, "ExchangeRate");
    list.asOfDate = childText(ret, "AsOfDate");
    return list;
}

HostInfo parseHost(const XMLElement& ret) {
    HostInfo host;
    host.productName = childText(ret, "ProductName");
    host.majorVersion = childText(ret, "MajorVersion");
    host.minorVersion = childText(ret, "MinorVersion");
    host.country = childText(ret, "Country");
    for (const XMLElement* v = ret.FirstChildElement("SupportedQBXMLVersion"); v != nullptr;
         v = v->NextSiblingElement("SupportedQBXMLVersion")) {
        host.supportedVersions.push_back(trimmed(v->GetText()));
    }
    return host;
}

PreferencesInfo parsePreferences(const XMLElement& ret) {
    PreferencesInfo prefs;
    if (const XMLElement* accounting = ret.FirstChildElement("AccountingPreferences")) {
        prefs.isUsingClassTracking = parseBool(childText(*accounting, "IsUsingClassTracking"), false);
        const std::string closing = childText(*accounting, "ClosingDate");
        if (!closing.empty()) {
            prefs.closingDate = closing;
        }
    }
    if (const XMLElement* multi = ret.FirstChildElement("MultiCurrencyPreferences")) {
        prefs.multicurrencyOn = parseBool(childText(*multi, "IsMultiCurrencyOn"), false);
        prefs.homeCurrency = refFullName(*multi, "HomeCurrencyRef");
    }
    if (const XMLElement* tax = ret.FirstChildElement("SalesTaxPreferences")) {
        prefs.salesTaxOn = true;
        prefs.defaultNonTaxableCode = refFullName(*tax, "DefaultNonTaxableSalesTaxCodeRef");
    }
    return prefs;
}

CompanyInfo parseCompany(const XMLElement& ret) {
    CompanyInfo company;
    company.companyName = childText(ret, "CompanyName");
    company.legalCompanyName = childText(ret, "LegalCompanyName");
    if (const XMLElement* address = ret.FirstChildElement("Address")) {
        company.country = childText(*address, "Country");
    }
    for (const XMLElement* ext = ret.FirstChildElement("DataExtRet"); ext != nullptr;
         ext = ext->NextSiblingElement("DataExtRet")) {
        company.dataExt.push_back(
            {childText(*ext, "OwnerID"), childText(*ext, "DataExtName"), childText(*ext, "DataExtValue")});
    }
    return company;
}

Severity parseSeverity(std::string_view text) noexcept {
    if (common::equalsIgnoreCaseAscii(text, "Info")) {
        return Severity::Info;
    }
    if (common::equalsIgnoreCaseAscii(text, "Warn") || common::equalsIgnoreCaseAscii(text, "Warning")) {
        return Severity::Warn;
    }
    return Severity::Error;
}

Response parseOne(const XMLElement& rs) {
    Response response;
    response.type = rs.Name();
    if (const char* id = rs.Attribute("requestID")) {
        response.requestId = id;
    }
    const std::optional<int> code = intAttribute(rs, "statusCode");
    if (!code) {
        throw ResponseError("qbXML response: <" + response.type + "> has no statusCode" + where(rs));
    }
    response.statusCode = *code;
    if (const char* severity = rs.Attribute("statusSeverity")) {
        response.statusSeverity = severity;
        response.severity = parseSeverity(response.statusSeverity);
    } else {
        // Not sent: derive it from the code ranges QuickBooks documents.
        response.severity = *code == 0 || (*code > 0 && *code < 500) ? Severity::Info
                            : (*code >= 500 && *code < 1000)        ? Severity::Warn
                                                                    : Severity::Error;
        response.statusSeverity = std::string(toString(response.severity));
    }
    if (const char* message = rs.Attribute("statusMessage")) {
        response.statusMessage = message;
    }
    response.retCount = intAttribute(rs, "retCount");
    response.iteratorRemainingCount = intAttribute(rs, "iteratorRemainingCount");
    if (const char* iterator = rs.Attribute("iteratorID")) {
        response.iteratorId = iterator;
    }
    for (const XMLElement* child = rs.FirstChildElement(); child != nullptr; child = child->NextSiblingElement()) {
        const std::string_view name = child->Name();
        if (name == "HostRet") {
            response.host = parseHost(*child);
        } else if (name == "PreferencesRet") {
            response.preferences = parsePreferences(*child);
        } else if (name == "CompanyRet") {
            response.company = parseCompany(*child);
        } else if (name == "ErrorRecovery") {
            response.errorRecovery = ErrorRecoveryInfo{childText(*child, "ListID"), childText(*child, "TxnID"),
                                                       childText(*child, "EditSequence"),
                                                       childText(*child, "ExternalGUID")};
        } else if (endsWith(name, "Ret")) {
            if (isTxnRet(*child)) {
                response.txns.push_back(parseTxn(*child));
            } else {
                response.lists.push_back(parseList(*child));
            }
        }
    }
    return response;
}

}  // namespace

const ListRet* Response::findList(std::string_view fullName) const noexcept {
    for (const ListRet& list : lists) {
        if (common::equalsIgnoreCaseAscii(list.fullName, fullName)) {
            return &list;
        }
    }
    return nullptr;
}

const Response* ResponseSet::find(std::string_view requestId) const noexcept {
    for (const Response& response : responses) {
        if (response.requestId == requestId) {
            return &response;
        }
    }
    return nullptr;
}

const Response* ResponseSet::findType(std::string_view type) const noexcept {
    for (const Response& response : responses) {
        if (response.type == type) {
            return &response;
        }
    }
    return nullptr;
}

std::optional<common::Cents> parseAmountCents(std::string_view text) noexcept {
    bool negative = false;
    if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
        negative = text.front() == '-';
        text.remove_prefix(1);
    }
    const std::size_t dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    const std::string_view fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    if (whole.empty() || whole.size() > 13 || (dot != std::string_view::npos && fraction.size() != 2)) {
        return std::nullopt;
    }
    common::Cents cents = 0;
    for (const char c : whole) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        cents = cents * 10 + (c - '0');
    }
    cents *= 100;
    if (!fraction.empty()) {
        if (fraction[0] < '0' || fraction[0] > '9' || fraction[1] < '0' || fraction[1] > '9') {
            return std::nullopt;
        }
        cents += (fraction[0] - '0') * 10 + (fraction[1] - '0');
    }
    return negative ? -cents : cents;
}

ResponseSet parseResponse(std::string_view xml) {
    if (xml.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        throw ResponseError("qbXML response: the response is empty");
    }
    // QuickBooks may declare and send windows-1252; tinyxml2 reads UTF-8 only.
    std::string scratch;
    const std::string_view text = common::asUtf8(xml, scratch);
    tinyxml2::XMLDocument doc(true, tinyxml2::PRESERVE_WHITESPACE);
    if (doc.Parse(text.data(), text.size()) != tinyxml2::XML_SUCCESS) {
        const char* detail = doc.ErrorStr();
        throw ResponseError(std::string("qbXML response is not well-formed XML: ") +
                            (detail != nullptr ? detail : "parse error"));
    }
    const XMLElement* root = doc.RootElement();
    if (root == nullptr || std::string_view(root->Name()) != "QBXML") {
        throw ResponseError(std::string("qbXML response: the root element is <") +
                            (root != nullptr ? root->Name() : "") + ">, not <QBXML>");
    }
    const XMLElement* msgs = root->FirstChildElement("QBXMLMsgsRs");
    if (msgs == nullptr) {
        throw ResponseError("qbXML response: <QBXML> holds no <QBXMLMsgsRs> (is this a request?)");
    }
    ResponseSet set;
    set.messageSetStatusCode = intAttribute(*msgs, "messageSetStatusCode");
    for (const XMLElement* rs = msgs->FirstChildElement(); rs != nullptr; rs = rs->NextSiblingElement()) {
        if (endsWith(rs->Name(), "Rs")) {
            set.responses.push_back(parseOne(*rs));
        }
    }
    return set;
}

}  // namespace settlebridge::qbxml
