#include "qbxml/render.hpp"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <tinyxml2.h>

#include "daemon/common/money.hpp"
#include "daemon/settlement/categories.hpp"
#include "daemon/settlement/naming.hpp"
#include "qbxml/guid.hpp"
#include "qbxml/text.hpp"

namespace settlebridge::qbxml {

RenderError::RenderError(std::string field, const std::string& message)
    : std::runtime_error(field.empty() ? message : field + ": " + message), field_(std::move(field)) {}

std::string_view toString(AccountType type) noexcept {
    switch (type) {
        case AccountType::Bank: return "Bank";
        case AccountType::Income: return "Income";
        case AccountType::OtherIncome: return "OtherIncome";
        case AccountType::Expense: return "Expense";
        case AccountType::OtherExpense: return "OtherExpense";
        case AccountType::CostOfGoodsSold: return "CostOfGoodsSold";
        case AccountType::OtherCurrentAsset: return "OtherCurrentAsset";
        case AccountType::OtherCurrentLiability: return "OtherCurrentLiability";
        case AccountType::CreditCard: return "CreditCard";
        case AccountType::Equity: return "Equity";
    }
    return "Bank";
}

namespace {

using common::Cents;
using settlement::DocumentKind;
using settlement::Summary;
using settlement::SummaryDocument;
using settlement::SummaryLine;

// AMTTYPE allows 13 integer digits; QUANTYPE 10.
constexpr Cents kMaxAmountCents = 999'999'999'999'999;
constexpr std::int64_t kMaxQuantity = 9'999'999'999;
constexpr std::size_t kMaxNameLevels = 5;

std::string quoted(std::string_view text) {
    return "\"" + std::string(text) + "\"";
}

// ---------------------------------------------------------------------------------------------------------------
// Checked values: everything is sanitized and checked before a single element is written.

std::string checkedFullName(std::string_view fullName, std::size_t maxSegment, std::size_t maxTotal,
                            const std::string& field, std::string_view what) {
    std::string name = toQuickBooksText(fullName);
    if (name.empty()) {
        throw RenderError(field, std::string(what) + " name is empty");
    }
    std::size_t levels = 0;
    std::size_t start = 0;
    while (true) {
        const std::size_t colon = name.find(':', start);
        const std::string_view segment =
            std::string_view(name).substr(start, colon == std::string::npos ? std::string::npos : colon - start);
        ++levels;
        if (segment.empty()) {
            throw RenderError(field, std::string(what) + " name " + quoted(name) +
                                         " has an empty level (a ':' at the start, at the end or doubled)");
        }
        if (segment.front() == ' ' || segment.back() == ' ') {
            throw RenderError(field, std::string(what) + " name " + quoted(name) +
                                         " has a blank at the start or end of a level (QuickBooks drops it, so the "
                                         "name would not match itself); remove it");
        }
        const std::size_t chars = characterCount(segment);
        if (chars > maxSegment) {
            throw RenderError(field, std::string(what) + " name " + quoted(name) + " has a part of " +
                                         std::to_string(chars) + " characters (" + quoted(segment) +
                                         "); QuickBooks allows at most " + std::to_string(maxSegment) +
                                         " per name level");
        }
        if (colon == std::string::npos) {
            break;
        }
        start = colon + 1;
    }
    if (levels > kMaxNameLevels) {
        throw RenderError(field, std::string(what) + " name " + quoted(name) + " has " + std::to_string(levels) +
                                     " levels; QuickBooks allows at most " + std::to_string(kMaxNameLevels));
    }
    const std::size_t total = characterCount(name);
    if (total > maxTotal) {
        throw RenderError(field, std::string(what) + " full name " + quoted(name) + " has " + std::to_string(total) +
                                     " characters; QuickBooks allows at most " + std::to_string(maxTotal));
    }
    return name;
}

std::string checkedRequestId(std::string_view requestId) {
    std::string id = toQuickBooksText(requestId);
    if (id.empty()) {
        throw RenderError("requestID", "the request ID is empty");
    }
    if (characterCount(id) > kMaxRequestId) {
        throw RenderError("requestID", "request ID " + quoted(id) + " is longer than " +
                                           std::to_string(kMaxRequestId) + " characters (QuickBooks status 1060)");
    }
    return id;
}

std::string checkedRefNumber(std::string_view refNumber, const std::string& field) {
    std::string ref = toQuickBooksText(refNumber);
    if (ref.empty()) {
        throw RenderError(field, "the RefNumber is empty (Settlebridge finds posted documents by it)");
    }
    const std::size_t chars = characterCount(ref);
    if (chars > kMaxRefNumber) {
        throw RenderError(field, "RefNumber " + quoted(ref) + " has " + std::to_string(chars) +
                                     " characters; QuickBooks allows at most " + std::to_string(kMaxRefNumber));
    }
    return ref;
}

bool isDigit(char c) noexcept {
    return c >= '0' && c <= '9';
}

std::string checkedDate(std::string_view date, const std::string& field) {
    const bool shape = date.size() == 10 && date[4] == '-' && date[7] == '-' && isDigit(date[0]) && isDigit(date[1]) &&
                       isDigit(date[2]) && isDigit(date[3]) && isDigit(date[5]) && isDigit(date[6]) &&
                       isDigit(date[8]) && isDigit(date[9]);
    if (shape) {
        const int year = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 + (date[3] - '0');
        const int month = (date[5] - '0') * 10 + (date[6] - '0');
        const int day = (date[8] - '0') * 10 + (date[9] - '0');
        const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (year >= 1900 && month >= 1 && month <= 12 && day >= 1 &&
            day <= kDays[month - 1] + ((month == 2 && leap) ? 1 : 0)) {
            return std::string(date);
        }
    }
    throw RenderError(field, "date " + quoted(date) + " is not a calendar date in the form YYYY-MM-DD");
}

std::string checkedAmount(Cents cents, const std::string& field) {
    if (cents > kMaxAmountCents || cents < -kMaxAmountCents) {
        throw RenderError(field, "amount of " + std::to_string(cents) +
                                     " cents is beyond what QuickBooks stores (13 digits before the decimal point)");
    }
    return common::formatCents(cents);
}

std::string checkedQuantity(std::int64_t quantity, const std::string& field) {
    if (quantity > kMaxQuantity || quantity < -kMaxQuantity) {
        throw RenderError(field, "quantity " + std::to_string(quantity) + " is beyond what QuickBooks stores");
    }
    return std::to_string(quantity);
}

std::string checkedTxnId(std::string_view txnId, const std::string& field) {
    std::string id = toQuickBooksText(txnId);
    if (id.empty()) {
        throw RenderError(field, "the TxnID is empty");
    }
    if (characterCount(id) > kMaxTxnId) {
        throw RenderError(field, "TxnID " + quoted(id) + " is longer than " + std::to_string(kMaxTxnId) +
                                     " characters");
    }
    return id;
}

std::string checkedTaxCode(const RenderContext& ctx, const std::string& field) {
    std::string code = toQuickBooksText(ctx.nonTaxableCode);
    if (characterCount(code) > kMaxSalesTaxCode) {
        throw RenderError(field, "sales tax code " + quoted(code) + " is longer than " +
                                     std::to_string(kMaxSalesTaxCode) + " characters");
    }
    return code;  // empty: no SalesTaxCodeRef
}

/// ctx.exchangeRate checked: "" (none) or a positive plain decimal QuickBooks stores (FLOATTYPE) — at most 10
/// integer and 10 decimal digits, no sign, no exponent — and only for a multicurrency company file.
std::string checkedExchangeRate(const RenderContext& ctx, const std::string& field) {
    const std::string& rate = ctx.exchangeRate;
    if (rate.empty()) {
        return rate;
    }
    if (!ctx.multicurrency) {
        throw RenderError(field, "an exchange rate (" + quoted(rate) +
                                     ") needs multicurrency on in the QuickBooks company file");
    }
    const std::size_t dot = rate.find('.');
    const std::string_view whole = std::string_view(rate).substr(0, dot);
    const std::string_view fraction =
        dot == std::string::npos ? std::string_view() : std::string_view(rate).substr(dot + 1);
    bool digits = !whole.empty() && whole.size() <= 10 && fraction.size() <= 10 &&
                  (dot == std::string::npos || !fraction.empty());
    bool nonZero = false;
    for (const std::string_view part : {whole, fraction}) {
        for (char c : part) {
            digits = digits && isDigit(c);
            nonZero = nonZero || (c >= '1' && c <= '9');
        }
    }
    if (!digits || !nonZero) {
        throw RenderError(field, "exchange rate " + quoted(rate) +
                                     " is not a positive decimal such as 0.7312 (home currency per unit)");
    }
    return rate;
}

/// Free text (Memo, Desc): sanitized and cut to `max` characters.
std::string freeText(std::string_view text, std::size_t max) {
    return truncateCharacters(toQuickBooksText(text), max);
}

/// Text for an XML comment: plain ASCII (a character reference is not one inside a comment), no "--" and no
/// trailing '-'.
std::string commentText(std::string_view text) {
    std::string out = toAsciiText(text);
    std::size_t pos = 0;
    while ((pos = out.find("--", pos)) != std::string::npos) {
        out.replace(pos, 2, "- -");
    }
    return " " + out + " ";
}

std::string kindName(DocumentKind kind) {
    return kind == DocumentKind::SalesReceipt ? "sales receipt" : "credit memo";
}

// ---------------------------------------------------------------------------------------------------------------
// The writer: one document, one request.

enum class OnError { Stop, Continue };

class Writer {
public:
    Writer(const std::string& version, OnError onError, const std::string& leadingComment = {}) : printer_(nullptr) {
        printer_.PushDeclaration("xml version=\"1.0\" encoding=\"utf-8\"");
        printer_.PushDeclaration(("qbxml version=\"" + version + "\"").c_str());
        if (!leadingComment.empty()) {
            printer_.PushComment(commentText(leadingComment).c_str());
        }
        printer_.OpenElement("QBXML");
        printer_.OpenElement("QBXMLMsgsRq");
        printer_.PushAttribute("onError", onError == OnError::Stop ? "stopOnError" : "continueOnError");
    }

    void open(const char* name) { printer_.OpenElement(name); }
    void attribute(const char* name, const std::string& value) { printer_.PushAttribute(name, value.c_str()); }
    void close() { printer_.CloseElement(); }

    void leaf(const char* name, const std::string& text) {
        printer_.OpenElement(name);
        printer_.PushText(text.c_str());
        printer_.CloseElement();
    }

    /// <name><FullName>fullName</FullName></name>
    void ref(const char* name, const std::string& fullName) {
        open(name);
        leaf("FullName", fullName);
        close();
    }

    std::string finish(const std::string& trailingComment = {}) {
        printer_.CloseElement();  // QBXMLMsgsRq
        printer_.CloseElement();  // QBXML
        if (!trailingComment.empty()) {
            printer_.PushComment(commentText(trailingComment).c_str());
        }
        // QuickBooks reads a request as ASCII: Latin-1 text goes as character references (qbxml/text.hpp).
        std::string out = toXmlAscii(std::string_view(printer_.CStr(), static_cast<std::size_t>(printer_.CStrSize() - 1)));
        if (out.empty() || out.back() != '\n') {
            out.push_back('\n');
        }
        if (!isPrintableAscii(out)) {
            throw RenderError("qbXML", "the rendered request is not printable ASCII (a Settlebridge bug)");
        }
        return out;
    }

private:
    tinyxml2::XMLPrinter printer_;
};

// ---------------------------------------------------------------------------------------------------------------
// Sales receipt and credit memo

/// The customer the documents are made out to: the context's when set, else the summary's.
const std::string& customerOf(const Summary& summary, const RenderContext& ctx) {
    return ctx.customerName.empty() ? summary.customerName : ctx.customerName;
}

struct CheckedLine {
    std::string item;
    std::string desc;
    std::string quantity;  // empty: omitted
    std::string amount;
};

struct CheckedDocument {
    std::string requestId;
    std::string customer;
    std::string txnDate;
    std::string refNumber;
    std::string memo;
    std::string clearing;
    std::string externalGuid;
    std::string taxCode;
    std::string exchangeRate;
    std::vector<CheckedLine> lines;
};

CheckedDocument checkDocument(const Summary& summary, const SummaryDocument& doc, const RenderContext& ctx,
                              std::string_view requestId, const char* addName) {
    const std::string prefix = addName;
    CheckedDocument out;
    out.requestId = checkedRequestId(requestId);
    out.customer = checkedFullName(customerOf(summary, ctx), kMaxCustomerNameSegment, kMaxCustomerFullName,
                                   prefix + "/CustomerRef/FullName", "customer");
    out.txnDate = checkedDate(doc.txnDate, prefix + "/TxnDate");
    out.refNumber = checkedRefNumber(doc.refNumber, prefix + "/RefNumber");
    out.memo = freeText(doc.memo, kMaxMemo);
    out.clearing = checkedFullName(settlementAccount(summary, ctx), kMaxItemNameSegment, kMaxListFullName,
                                   prefix + "/DepositToAccountRef/FullName", "account");
    if (doc.externalKey.empty()) {
        throw RenderError(prefix + "/ExternalGUID", "the document has no external key to derive its ExternalGUID from");
    }
    out.externalGuid = externalGuid(doc.externalKey);
    out.taxCode = checkedTaxCode(ctx, prefix + "/SalesTaxCodeRef/FullName");
    out.exchangeRate = checkedExchangeRate(ctx, prefix + "/ExchangeRate");
    if (doc.lines.empty()) {
        throw RenderError(prefix, "the " + kindName(doc.kind) + " " + quoted(doc.refNumber) +
                                      " has no lines (QuickBooks needs at least one)");
    }
    const Cents total = doc.total();
    if (total < 0) {
        throw RenderError(prefix, "the " + kindName(doc.kind) + " " + quoted(doc.refNumber) + " totals " +
                                      common::formatCents(total) +
                                      ": QuickBooks refuses documents with a negative total");
    }
    (void)checkedAmount(total, prefix + "/TotalAmount");
    const std::string linePrefix = prefix.substr(0, prefix.size() - 3) + "LineAdd";  // "SalesReceiptLineAdd"
    out.lines.reserve(doc.lines.size());
    for (const SummaryLine& line : doc.lines) {
        CheckedLine checked;
        checked.item =
            checkedFullName(line.item, kMaxItemNameSegment, kMaxItemFullName, linePrefix + "/ItemRef/FullName", "item");
        checked.desc = freeText(line.description, kMaxDesc);
        if (line.quantity != 0) {
            checked.quantity = checkedQuantity(line.quantity, linePrefix + "/Quantity");
        }
        checked.amount = checkedAmount(line.amount, linePrefix + "/Amount");
        out.lines.push_back(std::move(checked));
    }
    return out;
}

std::string writeDocument(const CheckedDocument& doc, DocumentKind kind, const RenderContext& ctx,
                          const std::string& leadingComment = {}, const std::string& trailingComment = {}) {
    const bool receipt = kind == DocumentKind::SalesReceipt;
    Writer w(qbxmlVersionText(ctx), OnError::Stop, leadingComment);
    w.open(receipt ? "SalesReceiptAddRq" : "CreditMemoAddRq");
    w.attribute("requestID", doc.requestId);
    w.open(receipt ? "SalesReceiptAdd" : "CreditMemoAdd");
    w.ref("CustomerRef", doc.customer);
    w.leaf("TxnDate", doc.txnDate);
    w.leaf("RefNumber", doc.refNumber);
    if (!doc.memo.empty()) {
        w.leaf("Memo", doc.memo);
    }
    w.leaf("IsToBePrinted", "false");
    w.leaf("IsToBeEmailed", "false");
    if (ctx.canadianEdition) {
        w.leaf("IsTaxIncluded", "false");
    }
    if (receipt) {
        w.ref("DepositToAccountRef", doc.clearing);
    }
    if (!doc.exchangeRate.empty()) {
        w.leaf("ExchangeRate", doc.exchangeRate);
    }
    w.leaf("ExternalGUID", doc.externalGuid);
    for (const CheckedLine& line : doc.lines) {
        w.open(receipt ? "SalesReceiptLineAdd" : "CreditMemoLineAdd");
        w.ref("ItemRef", line.item);
        if (!line.desc.empty()) {
            w.leaf("Desc", line.desc);
        }
        if (!line.quantity.empty()) {
            w.leaf("Quantity", line.quantity);
        }
        w.leaf("Amount", line.amount);
        if (!doc.taxCode.empty()) {
            w.ref("SalesTaxCodeRef", doc.taxCode);
        }
        w.close();
    }
    w.close();  // *Add
    w.close();  // *AddRq
    return w.finish(trailingComment);
}

const char* addRequestName(DocumentKind kind) {
    return kind == DocumentKind::SalesReceipt ? "SalesReceiptAddRq" : "CreditMemoAddRq";
}

void requireKind(const SummaryDocument& doc, DocumentKind kind) {
    if (doc.kind != kind) {
        throw RenderError(addRequestName(kind), "document " + quoted(doc.refNumber) + " is a " + kindName(doc.kind) +
                                                    ", not a " + kindName(kind));
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Refund and transfer

struct CheckedRefund {
    std::string requestId;
    std::string customer;
    std::string clearing;
    std::string txnDate;
    std::string refNumber;
    std::string memo;
    std::string externalGuid;
    std::string exchangeRate;
    std::string creditMemoTxnId;
    std::string amount;
};

CheckedRefund checkRefund(const Summary& summary, const SummaryDocument& creditMemo, const RefundParams& params,
                          const RenderContext& ctx, std::string_view requestId) {
    const std::string prefix = "ARRefundCreditCardAdd";
    if (creditMemo.kind != DocumentKind::CreditMemo) {
        throw RenderError(prefix, "document " + quoted(creditMemo.refNumber) +
                                      " is a sales receipt; only a credit memo is refunded");
    }
    CheckedRefund out;
    out.requestId = checkedRequestId(requestId);
    out.customer = checkedFullName(customerOf(summary, ctx), kMaxCustomerNameSegment, kMaxCustomerFullName,
                                   prefix + "/CustomerRef/FullName", "customer");
    out.clearing = checkedFullName(settlementAccount(summary, ctx), kMaxItemNameSegment, kMaxListFullName,
                                   prefix + "/RefundFromAccountRef/FullName", "account");
    out.exchangeRate = checkedExchangeRate(ctx, prefix + "/ExchangeRate");
    out.txnDate = checkedDate(creditMemo.txnDate, prefix + "/TxnDate");
    out.refNumber = checkedRefNumber(params.refNumber, prefix + "/RefNumber");
    out.creditMemoTxnId = checkedTxnId(params.creditMemoTxnId, prefix + "/RefundAppliedToTxnAdd/TxnID");
    const Cents total = creditMemo.total();
    if (total <= 0) {
        throw RenderError(prefix + "/RefundAppliedToTxnAdd/RefundAmount",
                          "credit memo " + quoted(creditMemo.refNumber) + " totals " + common::formatCents(total) +
                              "; only a positive credit can be refunded");
    }
    out.amount = checkedAmount(total, prefix + "/RefundAppliedToTxnAdd/RefundAmount");
    const std::string memo = "Refund of credit memo " + creditMemo.refNumber + " paid out of " + out.clearing +
                             " (" + refundExternalKey(creditMemo) + "). " + creditMemo.memo;
    out.memo = freeText(memo, kMaxMemo);
    out.externalGuid = externalGuid(refundExternalKey(creditMemo));
    return out;
}

std::string writeRefund(const CheckedRefund& r, const RenderContext& ctx) {
    Writer w(qbxmlVersionText(ctx), OnError::Stop);
    w.open("ARRefundCreditCardAddRq");
    w.attribute("requestID", r.requestId);
    w.open("ARRefundCreditCardAdd");
    w.ref("CustomerRef", r.customer);
    w.ref("RefundFromAccountRef", r.clearing);
    w.leaf("TxnDate", r.txnDate);
    w.leaf("RefNumber", r.refNumber);
    w.leaf("Memo", r.memo);
    if (!r.exchangeRate.empty()) {
        w.leaf("ExchangeRate", r.exchangeRate);
    }
    w.leaf("ExternalGUID", r.externalGuid);
    w.open("RefundAppliedToTxnAdd");
    w.leaf("TxnID", r.creditMemoTxnId);
    w.leaf("RefundAmount", r.amount);
    w.close();
    w.close();
    w.close();
    return w.finish();
}

struct CheckedTransfer {
    std::string requestId;
    std::string txnDate;
    std::string from;
    std::string to;
    std::string amount;
    std::string memo;
    bool deposit = false;       // a DepositAdd (ctx.transferAsDeposit)
    std::string exchangeRate;   // DepositAdd only
    std::string externalGuid;   // DepositAdd only (TransferAdd has no ExternalGUID)
    std::string currency;       // DepositAdd only: CurrencyRef (foreign funds into a home-currency account)
};

std::optional<CheckedTransfer> checkTransfer(const Summary& summary, const RenderContext& ctx,
                                             std::string_view requestId) {
    const bool deposit = ctx.transferAsDeposit;
    const std::string prefix = deposit ? "DepositAdd" : "TransferAdd";
    const std::string toField = prefix + (deposit ? "/DepositToAccountRef/FullName" : "/TransferToAccountRef/FullName");
    if (ctx.transferToAccount.empty()) {
        throw RenderError(toField, "no bank account is configured to transfer the deposit to");
    }
    if (summary.header.totalAmount <= 0) {
        return std::nullopt;
    }
    CheckedTransfer out;
    out.deposit = deposit;
    out.requestId = checkedRequestId(requestId);
    out.txnDate = checkedDate(summary.depositDate, prefix + "/TxnDate");
    out.from = checkedFullName(ctx.clearingAccount, kMaxItemNameSegment, kMaxListFullName,
                               prefix + (deposit ? "/DepositLineAdd/AccountRef/FullName"
                                                 : "/TransferFromAccountRef/FullName"),
                               "account");
    out.to = checkedFullName(ctx.transferToAccount, kMaxItemNameSegment, kMaxListFullName, toField, "account");
    if (out.from == out.to) {
        throw RenderError(toField, "the deposit would be transferred from " + quoted(out.from) + " to itself");
    }
    out.amount = checkedAmount(summary.header.totalAmount, prefix + (deposit ? "/DepositLineAdd/Amount" : "/Amount"));
    out.memo = freeText("Amazon settlement " + summary.header.settlementId + " deposit (" +
                            transferExternalKey(summary) + ")",
                        kMaxMemo);
    if (deposit) {
        out.exchangeRate = checkedExchangeRate(ctx, prefix + "/ExchangeRate");
        out.externalGuid = externalGuid(transferExternalKey(summary));
    }
    return out;
}

/// The deposit moved as a DepositAdd: to the bank account, one line from the clearing account, at the stated rate.
std::string writeDepositTransfer(const CheckedTransfer& t, const RenderContext& ctx, const std::string& leadingComment) {
    Writer w(qbxmlVersionText(ctx), OnError::Stop, leadingComment);
    w.open("DepositAddRq");
    w.attribute("requestID", t.requestId);
    w.open("DepositAdd");
    w.leaf("TxnDate", t.txnDate);
    w.ref("DepositToAccountRef", t.to);
    w.leaf("Memo", t.memo);
    if (!t.currency.empty()) {
        w.ref("CurrencyRef", t.currency);
    }
    if (!t.exchangeRate.empty()) {
        w.leaf("ExchangeRate", t.exchangeRate);
    }
    w.leaf("ExternalGUID", t.externalGuid);
    w.open("DepositLineAdd");
    w.ref("AccountRef", t.from);
    w.leaf("Memo", t.memo);
    w.leaf("Amount", t.amount);
    w.close();
    w.close();
    w.close();
    return w.finish();
}

std::string writeTransfer(const CheckedTransfer& t, const RenderContext& ctx, const std::string& leadingComment = {}) {
    if (t.deposit) {
        return writeDepositTransfer(t, ctx, leadingComment);
    }
    Writer w(qbxmlVersionText(ctx), OnError::Stop, leadingComment);
    w.open("TransferAddRq");
    w.attribute("requestID", t.requestId);
    w.open("TransferAdd");
    w.leaf("TxnDate", t.txnDate);
    w.ref("TransferFromAccountRef", t.from);
    w.ref("TransferToAccountRef", t.to);
    w.leaf("Amount", t.amount);
    w.leaf("Memo", t.memo);
    w.close();
    w.close();
    return w.finish();
}

// ---------------------------------------------------------------------------------------------------------------
// Queries and list adds

using NameChecker = std::string (*)(std::string_view);

/// A currency's name as CurrencyRef/FullName and CurrencyQuery carry it: 1..64 characters.
std::string checkedCurrencyName(std::string_view name) {
    std::string currency = toQuickBooksText(name);
    if (currency.empty() || characterCount(currency) > kMaxCurrencyName) {
        throw RenderError("CurrencyQueryRq/FullName", "currency name " + quoted(currency) + " must have 1 to " +
                                                          std::to_string(kMaxCurrencyName) + " characters");
    }
    return currency;
}

std::string listQuery(const char* requestName, const std::vector<std::string>& fullNames, NameChecker check,
                      std::initializer_list<const char*> retElements, const RenderContext& ctx,
                      std::string_view requestId) {
    if (fullNames.empty()) {
        throw RenderError(std::string(requestName) + "/FullName", "no names to look up");
    }
    const std::string id = checkedRequestId(requestId);
    std::vector<std::string> names;
    names.reserve(fullNames.size());
    for (const std::string& name : fullNames) {
        names.push_back(check(name));
    }
    Writer w(qbxmlVersionText(ctx), OnError::Continue);
    w.open(requestName);
    w.attribute("requestID", id);
    for (const std::string& name : names) {
        w.leaf("FullName", name);
    }
    for (const char* element : retElements) {
        w.leaf("IncludeRetElement", element);
    }
    w.close();
    return w.finish();
}

std::string emptyQuery(const char* requestName, const RenderContext& ctx, std::string_view requestId) {
    const std::string id = checkedRequestId(requestId);
    Writer w(qbxmlVersionText(ctx), OnError::Continue);
    w.open(requestName);
    w.attribute("requestID", id);
    w.close();
    return w.finish();
}

/// Splits a checked full name into its parent ("" at top level) and its last level.
std::pair<std::string, std::string> splitParent(const std::string& fullName) {
    const std::size_t colon = fullName.rfind(':');
    if (colon == std::string::npos) {
        return {std::string(), fullName};
    }
    return {fullName.substr(0, colon), fullName.substr(colon + 1)};
}

/// ItemNonInventoryAdd, ItemOtherChargeAdd and ItemServiceAdd differ only around ClassRef and ManufacturerPartNumber,
/// which are never written: Name, ParentRef, SalesTaxCodeRef, SalesOrPurchase|SalesAndPurchase is a valid order for all.
std::string itemAdd(const char* requestName, const char* addName, const ItemSpec& item, const RenderContext& ctx,
                    std::string_view requestId) {
    const std::string prefix = addName;
    const std::string id = checkedRequestId(requestId);
    const std::string fullName = checkedFullName(item.fullName, kMaxItemNameSegment, kMaxItemFullName,
                                                 prefix + "/Name", "item");
    const auto [parent, name] = splitParent(fullName);
    const std::string taxCode = checkedTaxCode(ctx, prefix + "/SalesTaxCodeRef/FullName");
    const std::string desc = freeText(item.description, kMaxDesc);
    const bool split = !item.expenseAccount.empty();
    const std::string account =
        checkedFullName(item.account, kMaxItemNameSegment, kMaxListFullName,
                        prefix + (split ? "/SalesAndPurchase/IncomeAccountRef/FullName" : "/SalesOrPurchase/AccountRef/FullName"),
                        "account");
    const std::string expense =
        split ? checkedFullName(item.expenseAccount, kMaxItemNameSegment, kMaxListFullName,
                                prefix + "/SalesAndPurchase/ExpenseAccountRef/FullName", "account")
              : std::string();
    Writer w(qbxmlVersionText(ctx), OnError::Stop);
    w.open(requestName);
    w.attribute("requestID", id);
    w.open(addName);
    w.leaf("Name", name);
    if (!parent.empty()) {
        w.ref("ParentRef", parent);
    }
    if (!taxCode.empty()) {
        w.ref("SalesTaxCodeRef", taxCode);
    }
    if (split) {
        w.open("SalesAndPurchase");
        if (!desc.empty()) {
            w.leaf("SalesDesc", desc);
        }
        w.ref("IncomeAccountRef", account);
        w.ref("ExpenseAccountRef", expense);
        w.close();
    } else {
        w.open("SalesOrPurchase");
        if (!desc.empty()) {
            w.leaf("Desc", desc);
        }
        w.ref("AccountRef", account);
        w.close();
    }
    w.close();
    w.close();
    return w.finish();
}

const char* queryRequestName(TxnType type) {
    switch (type) {
        case TxnType::SalesReceipt: return "SalesReceiptQueryRq";
        case TxnType::CreditMemo: return "CreditMemoQueryRq";
        case TxnType::ARRefundCreditCard: return "ARRefundCreditCardQueryRq";
    }
    return "SalesReceiptQueryRq";
}

std::string documentComment(const Summary& summary, const SummaryDocument& doc, std::size_t index, std::size_t count) {
    std::string text = "Settlebridge preview, document " + std::to_string(index) + " of " + std::to_string(count) +
                       ": " + (doc.kind == DocumentKind::SalesReceipt ? "SalesReceiptAdd" : "CreditMemoAdd") +
                       ", RefNumber " + doc.refNumber + ", dated " + doc.txnDate;
    if (summary.parts.size() > 1) {
        text += ", month part " + std::to_string(doc.part + 1) + " of " + std::to_string(summary.parts.size());
    }
    text += ", total " + common::formatCents(doc.total()) + " " + summary.header.currency + ", " +
            std::to_string(doc.lines.size()) + (doc.lines.size() == 1 ? " line" : " lines") + ".";
    return text;
}

std::string summaryComment(const Summary& summary, const RenderContext& ctx) {
    std::string text = "Amazon settlement " + summary.header.settlementId + " (" + summary.header.currency +
                       "), deposit " + common::formatCents(summary.header.totalAmount) +
                       ", documents net " + common::formatCents(summary.documentsNet) + " through " +
                       settlementAccount(summary, ctx) + ", customer " + customerOf(summary, ctx) + ". ";
    if (summary.grossMode) {
        text += "GROSS MODE: fee lines are left out, so these documents do NOT match the deposit. ";
    } else if (summary.reconciled) {
        text += "Reconciled: the documents net to the deposit to the cent. ";
    } else {
        text += "NOT RECONCILED: the report's rows differ from its total by " +
                common::formatCents(summary.difference) + "; Settlebridge holds such a summary for review. ";
    }
    text += "Before posting, the customer, the clearing account and every item are checked with queries and "
            "created when missing.";
    return text;
}

}  // namespace

// -------------------------------------------------------------------------------------------------------------------

std::string qbxmlVersionText(const RenderContext& ctx) {
    if (ctx.qbxmlMajor < 13 || ctx.qbxmlMinor < 0 || ctx.qbxmlMajor > 99 || ctx.qbxmlMinor > 9) {
        throw RenderError("qbxml version", "qbXML " + std::to_string(ctx.qbxmlMajor) + "." +
                                               std::to_string(ctx.qbxmlMinor) +
                                               " is not supported: Settlebridge writes qbXML 13.0 or later "
                                               "(QuickBooks 2014 and later)");
    }
    return std::to_string(ctx.qbxmlMajor) + "." + std::to_string(ctx.qbxmlMinor);
}

std::string normalizeItemName(std::string_view fullName) {
    return checkedFullName(fullName, kMaxItemNameSegment, kMaxItemFullName, "ItemRef/FullName", "item");
}

std::string normalizeAccountName(std::string_view fullName) {
    return checkedFullName(fullName, kMaxItemNameSegment, kMaxListFullName, "AccountRef/FullName", "account");
}

std::string normalizeCustomerName(std::string_view fullName) {
    return checkedFullName(fullName, kMaxCustomerNameSegment, kMaxCustomerFullName, "CustomerRef/FullName", "customer");
}

std::vector<std::string> parentNames(std::string_view fullName) {
    std::vector<std::string> out;
    for (std::size_t pos = fullName.find(':'); pos != std::string_view::npos; pos = fullName.find(':', pos + 1)) {
        out.emplace_back(fullName.substr(0, pos));
    }
    return out;
}

std::string renderSalesReceiptAdd(const Summary& summary, const SummaryDocument& doc, const RenderContext& ctx,
                                  std::string_view requestId) {
    requireKind(doc, DocumentKind::SalesReceipt);
    return writeDocument(checkDocument(summary, doc, ctx, requestId, "SalesReceiptAdd"), doc.kind, ctx);
}

std::string renderCreditMemoAdd(const Summary& summary, const SummaryDocument& doc, const RenderContext& ctx,
                                std::string_view requestId) {
    requireKind(doc, DocumentKind::CreditMemo);
    return writeDocument(checkDocument(summary, doc, ctx, requestId, "CreditMemoAdd"), doc.kind, ctx);
}

std::string renderDocumentAdd(const Summary& summary, const SummaryDocument& doc, const RenderContext& ctx,
                              std::string_view requestId) {
    return doc.kind == DocumentKind::SalesReceipt ? renderSalesReceiptAdd(summary, doc, ctx, requestId)
                                                  : renderCreditMemoAdd(summary, doc, ctx, requestId);
}

std::string refundExternalKey(const SummaryDocument& creditMemo) {
    const std::string& key = creditMemo.externalKey;
    const std::size_t pos = key.find(":C:");
    if (pos != std::string::npos && key.find(":C:", pos + 1) == std::string::npos) {
        return key.substr(0, pos) + ":P:" + key.substr(pos + 3);
    }
    return key + ":P";
}

std::string renderARRefundCreditCardAdd(const Summary& summary, const SummaryDocument& creditMemo,
                                        const RefundParams& params, const RenderContext& ctx,
                                        std::string_view requestId) {
    return writeRefund(checkRefund(summary, creditMemo, params, ctx, requestId), ctx);
}

std::string settlementAccount(const Summary& summary, const RenderContext& ctx) {
    if (!summary.throughCarriedBalance()) return ctx.clearingAccount;
    if (!ctx.carriedBalanceAccount.empty()) return ctx.carriedBalanceAccount;
    return summary.carriedBalanceAccount.empty() ? std::string(settlement::kCarriedBalanceAccount)
                                                 : summary.carriedBalanceAccount;
}

std::string returnedPayoutExternalKey(const Summary& summary, std::size_t index) {
    return summary.header.settlementId + ":F:" + std::to_string(index);
}

namespace {

/// The move back of summary.returnedPayouts[index], checked (a TransferAdd, or with ctx.transferAsDeposit a DepositAdd).
CheckedTransfer checkReturnedPayout(const Summary& summary, std::size_t index, const RenderContext& ctx,
                                    std::string_view requestId) {
    const bool deposit = ctx.transferAsDeposit;
    const std::string prefix = deposit ? "DepositAdd" : "TransferAdd";
    const std::string fromField =
        prefix + (deposit ? "/DepositLineAdd/AccountRef/FullName" : "/TransferFromAccountRef/FullName");
    const std::string toField = prefix + (deposit ? "/DepositToAccountRef/FullName" : "/TransferToAccountRef/FullName");
    if (index >= summary.returnedPayouts.size()) {
        throw RenderError(prefix, "settlement " + summary.header.settlementId + " has no returned payout " +
                                      std::to_string(index));
    }
    const settlement::ReturnedPayout& returned = summary.returnedPayouts[index];
    if (returned.amount <= 0) {
        throw RenderError(prefix + "/Amount", "the Failed disbursement rows of " + returned.date + " total " +
                                                  common::formatCents(returned.amount) +
                                                  ": only a payout put back (positive) is transferred back");
    }
    CheckedTransfer out;
    out.deposit = deposit;
    out.requestId = checkedRequestId(requestId);
    out.txnDate = checkedDate(returned.date, prefix + "/TxnDate");
    // From the bank the returned payout had been transferred to, back to the carried-balance account.
    out.from = checkedFullName(ctx.transferToAccount, kMaxItemNameSegment, kMaxListFullName, fromField, "account");
    const std::string to = ctx.carriedBalanceAccount.empty() ? summary.carriedBalanceAccount : ctx.carriedBalanceAccount;
    out.to = checkedFullName(to, kMaxItemNameSegment, kMaxListFullName, toField, "account");
    if (out.from == out.to) {
        throw RenderError(toField, "the returned payout would be transferred from " + quoted(out.from) + " to itself");
    }
    out.amount = checkedAmount(returned.amount, prefix + (deposit ? "/DepositLineAdd/Amount" : "/Amount"));
    out.memo = freeText("Amazon settlement " + summary.header.settlementId + ": payout returned by the bank "
                        "(Failed disbursement of " + returned.date + "), transferred back to " + out.to + " (" +
                        returnedPayoutExternalKey(summary, index) + ")",
                        kMaxMemo);
    if (deposit) {
        // Funds in the settlement's currency deposited into the home-currency carried-balance account: the deposit
        // names its currency, or QuickBooks would take it as a home-currency one and refuse the foreign bank line.
        if (ctx.depositCurrency.empty()) {
            throw RenderError(prefix + "/CurrencyRef/FullName",
                              "the currency of the returned payout (settlement " + summary.header.settlementId +
                                  ", " + summary.header.currency + ") is not known in QuickBooks' words");
        }
        if (!ctx.multicurrency) {
            throw RenderError(prefix + "/CurrencyRef", "a deposit in " + quoted(ctx.depositCurrency) +
                                                           " needs multicurrency on in the QuickBooks company file");
        }
        out.currency = toQuickBooksText(ctx.depositCurrency);
        if (characterCount(out.currency) > kMaxCurrencyName) {
            throw RenderError(prefix + "/CurrencyRef/FullName", "currency name " + quoted(out.currency) +
                                                                    " is longer than " +
                                                                    std::to_string(kMaxCurrencyName) + " characters");
        }
        out.exchangeRate = checkedExchangeRate(ctx, prefix + "/ExchangeRate");
        out.externalGuid = externalGuid(returnedPayoutExternalKey(summary, index));
    }
    return out;
}

}  // namespace

std::string renderReturnedPayoutTransfer(const Summary& summary, std::size_t index, const RenderContext& ctx,
                                         std::string_view requestId) {
    return writeTransfer(checkReturnedPayout(summary, index, ctx, requestId), ctx);
}

std::string transferExternalKey(const Summary& summary) {
    return summary.header.settlementId + ":T";
}

std::optional<std::string> renderTransferAdd(const Summary& summary, const RenderContext& ctx,
                                             std::string_view requestId) {
    const std::optional<CheckedTransfer> transfer = checkTransfer(summary, ctx, requestId);
    if (!transfer) {
        return std::nullopt;
    }
    return writeTransfer(*transfer, ctx);
}

std::string renderTxnQueryByRefNumber(TxnType type, std::string_view refNumber, const RenderContext& ctx,
                                      std::string_view requestId) {
    const char* requestName = queryRequestName(type);
    const std::string id = checkedRequestId(requestId);
    const std::string ref = checkedRefNumber(refNumber, std::string(requestName) + "/RefNumberCaseSensitive");
    Writer w(qbxmlVersionText(ctx), OnError::Continue);
    w.open(requestName);
    w.attribute("requestID", id);
    w.leaf("RefNumberCaseSensitive", ref);
    for (const char* element :
         {"TxnID", "EditSequence", "TxnDate", "RefNumber", "CustomerRef", "TotalAmount", "Memo", "ExternalGUID"}) {
        w.leaf("IncludeRetElement", element);
    }
    if (type == TxnType::CreditMemo) {
        w.leaf("IncludeRetElement", "CreditRemaining");
    } else if (type == TxnType::ARRefundCreditCard) {
        w.leaf("IncludeRetElement", "RefundAppliedToTxnRet");
    }
    w.close();
    return w.finish();
}

std::string renderTransferQuery(std::string_view txnDate, const RenderContext& ctx, std::string_view requestId) {
    const std::string id = checkedRequestId(requestId);
    const std::string date = checkedDate(txnDate, "TransferQueryRq/TxnDateRangeFilter");
    Writer w(qbxmlVersionText(ctx), OnError::Continue);
    w.open("TransferQueryRq");
    w.attribute("requestID", id);
    w.open("TxnDateRangeFilter");
    w.leaf("FromTxnDate", date);
    w.leaf("ToTxnDate", date);
    w.close();
    for (const char* element :
         {"TxnID", "TxnDate", "TransferFromAccountRef", "TransferToAccountRef", "Amount", "Memo"}) {
        w.leaf("IncludeRetElement", element);
    }
    w.close();
    return w.finish();
}

std::string renderDepositQuery(std::string_view txnDate, const RenderContext& ctx, std::string_view requestId) {
    const std::string id = checkedRequestId(requestId);
    const std::string date = checkedDate(txnDate, "DepositQueryRq/TxnDateRangeFilter");
    Writer w(qbxmlVersionText(ctx), OnError::Continue);
    w.open("DepositQueryRq");
    w.attribute("requestID", id);
    w.open("TxnDateRangeFilter");
    w.leaf("FromTxnDate", date);
    w.leaf("ToTxnDate", date);
    w.close();
    for (const char* element : {"TxnID", "TxnDate", "DepositToAccountRef", "Memo", "DepositTotal", "CurrencyRef",
                                "ExchangeRate", "ExternalGUID"}) {
        w.leaf("IncludeRetElement", element);
    }
    w.close();
    return w.finish();
}

std::string renderItemQuery(const std::vector<std::string>& fullNames, const RenderContext& ctx,
                            std::string_view requestId) {
    return listQuery("ItemQueryRq", fullNames, &normalizeItemName,
                     {"ListID", "Name", "FullName", "IsActive", "EditSequence"}, ctx, requestId);
}

std::string renderCustomerQuery(const std::vector<std::string>& fullNames, const RenderContext& ctx,
                                std::string_view requestId) {
    return listQuery("CustomerQueryRq", fullNames, &normalizeCustomerName,
                     {"ListID", "Name", "FullName", "IsActive", "EditSequence", "CurrencyRef"}, ctx, requestId);
}

std::string renderAccountQuery(const std::vector<std::string>& fullNames, const RenderContext& ctx,
                               std::string_view requestId) {
    return listQuery("AccountQueryRq", fullNames, &normalizeAccountName,
                     {"ListID", "Name", "FullName", "IsActive", "EditSequence", "AccountType", "CurrencyRef"}, ctx,
                     requestId);
}

std::string renderOtherNamesQuery(const std::vector<std::string>& fullNames, const RenderContext& ctx,
                                  std::string_view requestId) {
    if (fullNames.empty()) {
        throw RenderError("VendorQueryRq/FullName", "no names to look up");
    }
    std::vector<std::string> names;
    names.reserve(fullNames.size());
    for (const std::string& name : fullNames) {
        names.push_back(normalizeCustomerName(name));
    }
    const std::string base(requestId);
    Writer w(qbxmlVersionText(ctx), OnError::Continue);
    for (const auto& [request, suffix] : {std::pair<const char*, const char*>{"VendorQueryRq", "-v"},
                                          {"EmployeeQueryRq", "-e"},
                                          {"OtherNameQueryRq", "-o"}}) {
        w.open(request);
        w.attribute("requestID", checkedRequestId(base + suffix));
        for (const std::string& name : names) {
            w.leaf("FullName", name);
        }
        for (const char* element : {"ListID", "Name", "IsActive"}) {
            w.leaf("IncludeRetElement", element);
        }
        w.close();
    }
    return w.finish();
}

std::string renderSalesTaxCodeQuery(const RenderContext& ctx, std::string_view requestId) {
    const std::string id = checkedRequestId(requestId);
    Writer w(qbxmlVersionText(ctx), OnError::Continue);
    w.open("SalesTaxCodeQueryRq");
    w.attribute("requestID", id);
    for (const char* element : {"Name", "IsActive", "IsTaxable", "Desc"}) {
        w.leaf("IncludeRetElement", element);
    }
    w.close();
    return w.finish();
}

std::string renderCurrencyQuery(const std::vector<std::string>& names, const RenderContext& ctx,
                                std::string_view requestId) {
    return listQuery("CurrencyQueryRq", names, &checkedCurrencyName,
                     {"ListID", "Name", "IsActive", "CurrencyCode", "ExchangeRate", "AsOfDate"}, ctx, requestId);
}

std::string renderHostQuery(const RenderContext& ctx, std::string_view requestId) {
    return emptyQuery("HostQueryRq", ctx, requestId);
}

std::string renderPreferencesQuery(const RenderContext& ctx, std::string_view requestId) {
    return emptyQuery("PreferencesQueryRq", ctx, requestId);
}

std::string renderCompanyQuery(const RenderContext& ctx, std::string_view requestId) {
    return emptyQuery("CompanyQueryRq", ctx, requestId);
}

std::string renderCustomerAdd(std::string_view fullName, std::string_view currencyName, const RenderContext& ctx,
                              std::string_view requestId) {
    const std::string id = checkedRequestId(requestId);
    const std::string checked =
        checkedFullName(fullName, kMaxCustomerNameSegment, kMaxCustomerFullName, "CustomerAdd/Name", "customer");
    const auto [parent, name] = splitParent(checked);
    std::string currency = toQuickBooksText(currencyName);
    if (!currency.empty()) {
        if (!ctx.multicurrency) {
            throw RenderError("CustomerAdd/CurrencyRef",
                              "customer " + quoted(checked) + " needs the currency " + quoted(currency) +
                                  ", but multicurrency is off in this QuickBooks company file");
        }
        if (characterCount(currency) > kMaxCurrencyName) {
            throw RenderError("CustomerAdd/CurrencyRef/FullName",
                              "currency name " + quoted(currency) + " is longer than " +
                                  std::to_string(kMaxCurrencyName) + " characters");
        }
    }
    Writer w(qbxmlVersionText(ctx), OnError::Stop);
    w.open("CustomerAddRq");
    w.attribute("requestID", id);
    w.open("CustomerAdd");
    w.leaf("Name", name);
    if (!parent.empty()) {
        w.ref("ParentRef", parent);
    }
    if (!currency.empty()) {
        w.ref("CurrencyRef", currency);
    }
    w.close();
    w.close();
    return w.finish();
}

std::string renderAccountAdd(std::string_view fullName, AccountType type, std::string_view description,
                             const RenderContext& ctx, std::string_view requestId) {
    return renderAccountAdd(fullName, type, description, std::string_view(), ctx, requestId);
}

std::string renderAccountAdd(std::string_view fullName, AccountType type, std::string_view description,
                             std::string_view currencyName, const RenderContext& ctx, std::string_view requestId) {
    const std::string id = checkedRequestId(requestId);
    const std::string checked =
        checkedFullName(fullName, kMaxItemNameSegment, kMaxListFullName, "AccountAdd/Name", "account");
    const auto [parent, name] = splitParent(checked);
    const std::string desc = freeText(description, kMaxAccountDesc);
    const std::string currency = toQuickBooksText(currencyName);
    if (!currency.empty()) {
        if (!ctx.multicurrency) {
            throw RenderError("AccountAdd/CurrencyRef",
                              "account " + quoted(checked) + " needs the currency " + quoted(currency) +
                                  ", but multicurrency is off in this QuickBooks company file");
        }
        if (type != AccountType::Bank && type != AccountType::CreditCard) {
            throw RenderError("AccountAdd/CurrencyRef", "a " + std::string(toString(type)) + " account (" +
                                                            quoted(checked) +
                                                            ") is always in the home currency; only bank and credit "
                                                            "card accounts have a currency of their own");
        }
        if (characterCount(currency) > kMaxCurrencyName) {
            throw RenderError("AccountAdd/CurrencyRef/FullName",
                              "currency name " + quoted(currency) + " is longer than " +
                                  std::to_string(kMaxCurrencyName) + " characters");
        }
    }
    Writer w(qbxmlVersionText(ctx), OnError::Stop);
    w.open("AccountAddRq");
    w.attribute("requestID", id);
    w.open("AccountAdd");
    w.leaf("Name", name);
    if (!parent.empty()) {
        w.ref("ParentRef", parent);
    }
    w.leaf("AccountType", std::string(toString(type)));
    if (!desc.empty()) {
        w.leaf("Desc", desc);
    }
    if (!currency.empty()) {
        w.ref("CurrencyRef", currency);
    }
    w.close();
    w.close();
    return w.finish();
}

std::string renderItemNonInventoryAdd(const ItemSpec& item, const RenderContext& ctx, std::string_view requestId) {
    return itemAdd("ItemNonInventoryAddRq", "ItemNonInventoryAdd", item, ctx, requestId);
}

std::string renderItemOtherChargeAdd(const ItemSpec& item, const RenderContext& ctx, std::string_view requestId) {
    return itemAdd("ItemOtherChargeAddRq", "ItemOtherChargeAdd", item, ctx, requestId);
}

std::string renderItemServiceAdd(const ItemSpec& item, const RenderContext& ctx, std::string_view requestId) {
    return itemAdd("ItemServiceAddRq", "ItemServiceAdd", item, ctx, requestId);
}

std::string renderPreview(const Summary& summary, const RenderContext& ctx) {
    // Check everything first, so that a refusal leaves no half-written preview behind.
    struct Entry {
        const SummaryDocument* doc = nullptr;
        CheckedDocument checked;
        std::string trailing;
    };
    std::vector<Entry> entries;
    entries.reserve(summary.documents.size());
    for (const SummaryDocument& doc : summary.documents) {
        Entry entry;
        entry.doc = &doc;
        entry.checked = checkDocument(summary, doc, ctx, doc.externalKey,
                                      doc.kind == DocumentKind::SalesReceipt ? "SalesReceiptAdd" : "CreditMemoAdd");
        if (doc.kind == DocumentKind::CreditMemo && doc.total() > 0) {
            std::string refundRef;
            try {
                refundRef = ", RefNumber " + settlement::makeRefNumber(summary.header.settlementId,
                                                                      settlement::RefKind::RefundPayment, doc.part);
            } catch (const settlement::NamingError&) {
                refundRef.clear();  // the posting queue names it; the preview just does not show the number
            }
            entry.trailing = "Then ARRefundCreditCardAdd" + refundRef + ": refund of " +
                             common::formatCents(doc.total()) + " " +
                             summary.header.currency + " to " + customerOf(summary, ctx) + ", paid out of " +
                             settlementAccount(summary, ctx) + ", dated " + doc.txnDate + ", applied to this credit memo, " +
                             "ExternalGUID " + externalGuid(refundExternalKey(doc)) +
                             ". It is sent only after QuickBooks has recorded the credit memo, because it names the "
                             "credit memo by the TxnID QuickBooks assigns then; so no customer credit stays open "
                             "and the clearing account moves by receipts minus credit memos.";
        }
        entries.push_back(std::move(entry));
    }
    std::optional<CheckedTransfer> transfer;
    // With the transfer option, each day of Failed disbursement rows (a payout the bank returned) is moved back from
    // the bank to the carried-balance account (docs/ACCOUNTING.md section 14).
    std::vector<std::pair<std::size_t, CheckedTransfer>> returnedMoves;
    if (!ctx.transferToAccount.empty()) {
        transfer = checkTransfer(summary, ctx, transferExternalKey(summary));
        for (std::size_t i = 0; i < summary.returnedPayouts.size(); ++i) {
            if (summary.returnedPayouts[i].amount <= 0) continue;
            returnedMoves.emplace_back(i, checkReturnedPayout(summary, i, ctx, returnedPayoutExternalKey(summary, i)));
        }
    }
    const std::size_t count = entries.size() + (transfer ? 1 : 0) + returnedMoves.size();

    std::string out;
    std::size_t index = 0;
    for (const Entry& entry : entries) {
        ++index;
        std::string leading = documentComment(summary, *entry.doc, index, count);
        if (index == 1) {
            leading = summaryComment(summary, ctx) + " " + leading;
        }
        if (!out.empty()) {
            out += "\n";
        }
        out += writeDocument(entry.checked, entry.doc->kind, ctx, leading, entry.trailing);
    }
    if (transfer) {
        ++index;
        std::string leading = "Settlebridge preview, document " + std::to_string(index) + " of " +
                              std::to_string(count) + ": " + (transfer->deposit ? "DepositAdd" : "TransferAdd") +
                              " of the deposit " + transfer->amount + " " + summary.header.currency + " from " +
                              transfer->from + " to " + transfer->to + " on the deposit date " + transfer->txnDate +
                              ".";
        if (transfer->deposit) {
            leading += " A deposit, not a transfer: the settlement is in another currency than the home one, and "
                       "TransferAdd carries no exchange rate; the DepositAdd carries " +
                       (transfer->exchangeRate.empty() ? std::string("the settlement's rate once it is known")
                                                       : "the settlement's rate " + transfer->exchangeRate) +
                       ", like its other documents.";
        }
        if (index == 1) {
            leading = summaryComment(summary, ctx) + " " + leading;
        }
        if (!out.empty()) {
            out += "\n";
        }
        out += writeTransfer(*transfer, ctx, leading);
    }
    for (const auto& [i, move] : returnedMoves) {
        ++index;
        std::string leading = "Settlebridge preview, document " + std::to_string(index) + " of " +
                              std::to_string(count) + ": " + (move.deposit ? "DepositAdd" : "TransferAdd") +
                              " of the payout the bank returned (Failed disbursement of " +
                              summary.returnedPayouts[i].date + ") " + move.amount + " " + summary.header.currency +
                              " from " + move.from + " back to " + move.to + ", undoing its transfer to the bank.";
        if (move.deposit) {
            leading += " A deposit of " + summary.header.currency + " funds into " + move.to +
                       " (kept in the home currency), not a transfer: QuickBooks transfers only within one currency, "
                       "and TransferAdd carries no exchange rate; the DepositAdd carries " +
                       (move.exchangeRate.empty() ? std::string("the settlement's rate once it is known")
                                                  : "the settlement's rate " + move.exchangeRate) +
                       ", like its other documents.";
        }
        if (index == 1) {
            leading = summaryComment(summary, ctx) + " " + leading;
        }
        if (!out.empty()) {
            out += "\n";
        }
        out += writeTransfer(move, ctx, leading);
    }
    if (out.empty()) {
        // Nothing to post (no documents, no transfer): say so in a document that is still valid qbXML-free text.
        out = "<!--" + commentText(summaryComment(summary, ctx) + " This settlement has no documents to post.") +
              "-->\n";
    }
    return out;
}

}  // namespace settlebridge::qbxml
