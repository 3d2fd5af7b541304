#include "daemon/posting/planner.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "daemon/posting/currency.hpp"
#include "daemon/posting/document_builder.hpp"
#include "daemon/posting/exchange_rate.hpp"
#include "daemon/posting/rendering.hpp"
#include "daemon/posting/state_machine.hpp"
#include "daemon/posting/tax_codes.hpp"
#include "daemon/settlement/categories.hpp"
#include "daemon/common/text.hpp"
#include "daemon/store/qb_edition.hpp"
#include "qbxml/currency.hpp"
#include "qbxml/guid.hpp"
#include "qbxml/render.hpp"
#include "qbxml/response.hpp"
#include "qbxml/rules.hpp"
#include "qbxml/status.hpp"
#include "qbxml/version.hpp"

namespace settlebridge::posting {

namespace {

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

std::string parentOf(std::string_view name) {
    const auto colon = name.rfind(':');
    return colon == std::string_view::npos ? std::string() : std::string(name.substr(0, colon));
}

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

// Why a failed document needs a person (documents.check_reason).
constexpr std::string_view kCheckAnswered = "answered";         // QuickBooks answered the add; a query finds nothing
constexpr std::string_view kCheckResendLimit = "resend-limit";  // sent too often without an answer

std::string joinWords(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) out += (out.empty() ? "" : ", ") + p;
    return out;
}

/// QuickBooks' status in words: `status 0 (Info) "Status OK"`.
std::string statusWords(const qbxml::Response& rs) {
    std::string text = "status " + std::to_string(rs.statusCode);
    if (!rs.statusSeverity.empty()) text += " (" + rs.statusSeverity + ")";
    return text + " \"" + rs.statusMessage + "\"";
}

/// One transaction of an answer in words: `SalesReceiptRet with TxnID 1A-2, RefNumber R1, TotalAmount 12.50`.
std::string txnWords(const qbxml::TxnRet& t) {
    std::vector<std::string> parts;
    parts.push_back(t.txnId.empty() ? "no TxnID" : "TxnID " + t.txnId);
    if (t.retType != "TransferRet" && t.retType != "DepositRet") {
        parts.push_back(t.refNumber.empty() ? "no RefNumber" : "RefNumber " + t.refNumber);
    }
    parts.push_back(t.totalAmount ? "TotalAmount " + common::formatCents(*t.totalAmount) : "no TotalAmount");
    if (!t.txnDate.empty()) parts.push_back("TxnDate " + t.txnDate);
    return (t.retType.empty() ? std::string("a transaction") : t.retType) + " with " + joinWords(parts);
}

/// What an answer shows, for the evidence kept on a document.
std::string answerWords(const qbxml::Response& rs) {
    std::string text = statusWords(rs);
    if (rs.txns.empty()) return text + ", no transaction";
    const std::size_t shown = std::min<std::size_t>(rs.txns.size(), 3);
    for (std::size_t i = 0; i < shown; ++i) text += (i == 0 ? ", " : "; ") + txnWords(rs.txns[i]);
    if (rs.txns.size() > shown) text += "; and " + std::to_string(rs.txns.size() - shown) + " more";
    return text;
}

/// Why an accepted add's answer does not show the document (no TxnID, RefNumber or total; another RefNumber), or
/// "" when it does.
std::string unmatchedAnswer(const domain::Document& doc, const qbxml::TxnRet* ret) {
    if (ret == nullptr) return "its answer holds no transaction";
    std::vector<std::string> missing;
    if (ret->txnId.empty()) missing.push_back("TxnID");
    if (!doc.refNumber.empty() && ret->refNumber.empty()) missing.push_back("RefNumber");
    if (!ret->totalAmount) {
        missing.push_back(doc.kind != DocKind::Transfer ? "TotalAmount"
                          : ret->retType == "DepositRet" ? "DepositTotal"
                                                         : "Amount");
    }
    if (!missing.empty()) return "its answer has no " + joinWords(missing);
    if (!doc.refNumber.empty() && ret->refNumber != doc.refNumber) {
        return "its answer is numbered " + ret->refNumber + ", not " + doc.refNumber;
    }
    return {};
}

std::string upperFirst(std::string text) {
    if (!text.empty()) text[0] = common::asciiUpper(text[0]);
    return text;
}

std::optional<qbxml::AccountType> parseAccountType(std::string_view text) {
    static const std::pair<std::string_view, qbxml::AccountType> kTypes[] = {
        {"Bank", qbxml::AccountType::Bank},
        {"Income", qbxml::AccountType::Income},
        {"OtherIncome", qbxml::AccountType::OtherIncome},
        {"Expense", qbxml::AccountType::Expense},
        {"OtherExpense", qbxml::AccountType::OtherExpense},
        {"CostOfGoodsSold", qbxml::AccountType::CostOfGoodsSold},
        {"OtherCurrentAsset", qbxml::AccountType::OtherCurrentAsset},
        {"OtherCurrentLiability", qbxml::AccountType::OtherCurrentLiability},
        {"CreditCard", qbxml::AccountType::CreditCard},
        {"Equity", qbxml::AccountType::Equity},
    };
    for (const auto& [name, type] : kTypes) {
        if (equalsIgnoreCaseAscii(name, text)) return type;
    }
    return std::nullopt;
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

/// `... invalid reference to QuickBooks Item "Amazon Fees:FBA" in ...` → {Item, "Amazon Fees:FBA"}.
std::optional<std::pair<ListKind, std::string>> referenceInMessage(std::string_view message) {
    const std::string_view marker = "reference to QuickBooks ";
    const auto at = message.find(marker);
    if (at == std::string_view::npos) return std::nullopt;
    std::string_view rest = message.substr(at + marker.size());
    const auto space = rest.find(' ');
    if (space == std::string_view::npos) return std::nullopt;
    const std::string word = asciiLower(rest.substr(0, space));
    rest = rest.substr(space + 1);
    if (rest.empty() || rest.front() != '"') return std::nullopt;
    const auto close = rest.find('"', 1);
    if (close == std::string_view::npos) return std::nullopt;
    const std::string name(rest.substr(1, close - 1));
    if (word.rfind("item", 0) == 0) return std::make_pair(ListKind::Item, name);
    if (word == "customer") return std::make_pair(ListKind::Customer, name);
    if (word.find("account") != std::string::npos) return std::make_pair(ListKind::Account, name);
    return std::nullopt;
}

/// What Settlebridge creates for an item that QuickBooks lacks.
struct ItemPlan {
    bool sku = false;            // SKU item → ItemNonInventoryAdd; else ItemOtherChargeAdd (a sub-item: its parent's type)
    std::string description;
    std::string account;         // normalized account full name
    std::string accountType;
    std::string expenseAccount;  // set for items that sell through an income account (SalesAndPurchase)
};

/// "a Group", "an Inventory Part".
std::string withArticle(std::string_view label) {
    return (label.find_first_of("AEIOU") == 0 ? "an " : "a ") + std::string(label);
}

bool isIncomeType(std::string_view accountType) {
    return equalsIgnoreCaseAscii(accountType, "Income") || equalsIgnoreCaseAscii(accountType, "OtherIncome");
}

/// "Item "X" is a Group item in QuickBooks, ..." for a line that uses an item of a type a sales line cannot take.
std::string itemTypeMessage(const std::string& name, const std::string& type, bool sku) {
    const std::string label(qbxml::itemTypeLabel(type));
    std::string allowed;
    const auto types = qbxml::salesLineItemTypes();
    for (std::size_t i = 0; i < types.size(); ++i) {
        allowed += i == 0 ? "" : (i + 1 == types.size() ? " or " : ", ");
        allowed += qbxml::itemTypeLabel(types[i]);
    }
    return "Item \"" + name + "\" is " + withArticle(label) + " item in QuickBooks; a SKU or category line can only use a " + allowed +
           " item. Rename that item in QuickBooks (Settlebridge then creates \"" + name + "\" as " +
           (sku ? "a Non-inventory Part" : "an Other Charge") + " item), or map the " + (sku ? "SKU" : "category") +
           " to another item (a `" + (sku ? "sku" : "item") + "` line of the mapping), then approve the settlement "
           "again.";
}

/// What a document needs from QuickBooks' lists in a multicurrency company file: a customer or bank account in this
/// currency (QuickBooks' name), created with a CurrencyRef when `foreign`.
struct CurrencyNeed {
    std::string quickBooksName;
    bool foreign = false;
};

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

/// One planning pass over a session. In a dry run nothing is written: the pass only tells whether a request
/// would be sent.
class Pass {
public:
    Pass(const PlannerOptions& options, DecodeCache& cache, store::Tx& tx, domain::WcSession& session, Timestamp now,
         bool dry)
        : options_(options), cache_(cache), tx_(tx), session_(session), now_(now), dry_(dry) {
        auto company = tx_.companies().find(session_.companyId);
        if (!company) throw store::StoreError("the session's company no longer exists");
        company_ = *company;
        edition_ = store::QbEditionRepo(tx_.database()).get(company_.id);
        for (auto& m : tx_.sessions().marks(session_.id)) marks_[{m.kind, asciiLower(m.name)}] = m;
    }

    std::optional<Request> run();

    const domain::Company& company() const { return company_; }

private:
    // --- marks -------------------------------------------------------------------------------------------
    const SessionMark* mark(std::string_view kind, std::string_view name) const {
        auto it = marks_.find({std::string(kind), asciiLower(name)});
        return it == marks_.end() ? nullptr : &it->second;
    }
    void setMark(std::string_view kind, std::string_view name, std::string_view status, std::string_view message) {
        SessionMark m{std::string(kind), std::string(name), std::string(status), std::string(message)};
        marks_[{m.kind, asciiLower(name)}] = m;
        if (!dry_) tx_.sessions().setMark(session_.id, m);
    }
    bool docSkipped(const domain::Document& d) const {
        const SessionMark* m = mark(kMarkDocument, std::to_string(d.id));
        return m != nullptr && m->status == kSkipped;
    }
    void skipDocument(domain::Document d, const std::string& message) {
        setMark(kMarkDocument, std::to_string(d.id), kSkipped, message);
        if (!dry_ && d.lastError != message) {
            d.lastError = message;
            d.lastSessionId = session_.id;
            d.updatedAt = now_;
            tx_.documents().save(d);
        }
    }

    // --- lists -------------------------------------------------------------------------------------------
    bool cached(ListKind kind, const std::string& name) {
        return tx_.lists().find(company_.id, kind, name).has_value();
    }
    std::vector<std::string> withAncestors(const std::vector<std::string>& names) const {
        std::vector<std::string> out;
        std::set<std::string> seen;
        for (const auto& name : names) {
            for (const auto& parent : qbxml::parentNames(name)) {
                if (seen.insert(asciiLower(parent)).second) out.push_back(parent);
            }
            if (seen.insert(asciiLower(name)).second) out.push_back(name);
        }
        std::stable_sort(out.begin(), out.end(),
                         [](const std::string& a, const std::string& b) { return depth(a) < depth(b); });
        return out;
    }
    std::map<std::string, CurrencyNeed>& needs(ListKind kind) {
        return kind == ListKind::Customer ? customerCurrency_ : accountCurrency_;
    }
    const CurrencyNeed* need(ListKind kind, const std::string& name) {
        auto& map = needs(kind);
        auto it = map.find(asciiLower(name));
        return it == map.end() ? nullptr : &it->second;
    }
    /// A bank account a document needs in a currency is queried once per session even when it is known, so its
    /// currency is checked (the cache keeps account types, not currencies); customers are checked from the cache.
    bool verifyCurrency(ListKind kind, const std::string& name) {
        if (kind != ListKind::Account || need(kind, name) == nullptr) return false;
        const SessionMark* m = mark(wantKind(kind), name);
        return m == nullptr || m->message != kVerified;
    }
    /// Why `name` (the customer or a bank account of a document in `plan`'s currency) cannot be used, or "".
    std::string currencyConflict(ListKind kind, const std::string& name, const CurrencyPlan& plan) {
        if (!plan.multicurrency || name.empty()) return {};
        if (const SessionMark* m = mark(markKind(kind), name); m != nullptr && m->status == kWrongCurrency) {
            return m->message;
        }
        if (kind == ListKind::Customer) {
            auto entry = tx_.lists().find(company_.id, kind, name);
            if (entry && !currencyMatches(plan, entry->type)) {
                return wrongCurrencyMessage(kind, entry->fullName, entry->type, plan.quickBooksCurrency);
            }
        }
        return {};
    }
    std::optional<Request> ensureQueried(ListKind kind, const std::vector<std::string>& names);
    std::optional<Request> ensureAdded(ListKind kind, const std::vector<std::string>& names);
    /// Customers about to be created are first looked for among vendors, employees and other names (one name list).
    std::optional<Request> ensureNamesFree(const std::vector<std::string>& customers);
    /// Why the account `name` (known to QuickBooks, or seen with a wrong type earlier in this session) cannot be
    /// used for what the documents need, or "".
    std::string accountTypeConflict(const std::string& name) {
        std::string fullName = name;
        std::string type;
        if (auto entry = tx_.lists().find(company_.id, ListKind::Account, name)) {
            fullName = entry->fullName;
            type = entry->type;
        } else if (const SessionMark* m = mark(kMarkAccountType, name)) {
            type = m->status;
        }
        if (type.empty()) return {};
        auto roles = accountRoles_.find(asciiLower(name));
        if (roles == accountRoles_.end()) return {};
        for (const auto role : roles->second) {
            std::string problem = qbxml::accountTypeProblem(role, fullName, type);
            if (!problem.empty()) return problem;
        }
        return {};
    }
    void roleOf(const std::string& account, qbxml::AccountRole role) { accountRoles_[asciiLower(account)].insert(role); }

    // --- requests ----------------------------------------------------------------------------------------
    std::string nextRequestId() const { return "s" + std::to_string(session_.id) + "-" + std::to_string(session_.requestsSent + 1); }
    Request issue(PendingKind kind, std::string requestId, std::string xml, std::string what,
                  std::optional<std::int64_t> documentId, std::vector<std::string> names) {
        if (!dry_) {
            session_.pendingKind = kind;
            session_.pendingRequestId = requestId;
            session_.pendingDocumentId = documentId;
            session_.pendingNames = joinLines(names);
            session_.requestsSent += 1;
            session_.lastSeenAt = std::max(session_.lastSeenAt, now_);
            tx_.sessions().update(session_);
        }
        return Request{std::move(xml), std::move(requestId), kind, std::move(what)};
    }
    qbxml::RenderContext context() const {
        qbxml::RenderContext ctx = renderContextFor(company_, session_.qbxmlVersion);
        ctx.canadianEdition = equalsIgnoreCaseAscii(edition_.country, "CA");
        return ctx;
    }
    /// The sales tax code list and the exchange rates the ready documents need, read once per session.
    std::optional<Request> ensureCompanyFacts(const std::vector<domain::Document>& ready);
    /// The ready documents that may go: a line code the file lacks holds receipts and credit memos; a
    /// foreign-currency settlement without a usable rate is held; one with a usable rate has it frozen.
    std::vector<domain::Document> checkCompanyFacts(std::vector<domain::Document> ready);

    // --- documents ---------------------------------------------------------------------------------------
    const DecodedSummary& summaryFor(std::int64_t settlementRow) {
        auto it = summaries_.find(settlementRow);
        if (it != summaries_.end()) return *it->second;
        return *summaries_.emplace(settlementRow, cache_.summary(tx_, settlementRow)).first->second;
    }
    void failDocument(domain::Document d, const std::string& explanation) {
        if (dry_) return;
        d = markFailed(std::move(d), QbResult{}, explanation, session_.id, now_);
        tx_.documents().save(d);
        tx_.events().add(now_, company_.id, domain::EventLevel::Error, upperFirst(docLabel(d)) + " failed: " + explanation);
    }
    void holdDocument(domain::Document d, std::string_view reason, const std::string& message) {
        if (dry_) {
            setMark(kMarkDocument, std::to_string(d.id), kSkipped, message);
            return;
        }
        d = hold(std::move(d), reason, message, now_);
        d.lastSessionId = session_.id;
        tx_.documents().save(d);
        tx_.events().add(now_, company_.id, domain::EventLevel::Warning, upperFirst(docLabel(d)) + " held: " + message);
    }
    ItemPlan planItem(const settlement::SummaryLine* line);
    /// How Settlebridge creates the item `name` (planned on first use: only missing items need a plan).
    const ItemPlan& itemPlan(const std::string& name);
    /// The account of the carried-balance categories: the company's account for payable-to-amazon, else the default.
    std::string carriedBalanceAccount() {
        auto chosen = tx_.companies().categoryAccount(company_.id, "payable-to-amazon");
        return normalizeName(ListKind::Account, chosen && !chosen->account.empty()
                                                    ? chosen->account
                                                    : std::string(settlement::kCarriedBalanceAccount));
    }
    void warnAboutUnknownCurrency(const std::vector<domain::Document>& ready);
    /// Whether `d` is the transfer of a foreign-currency deposit, moved with a DepositAdd that carries the
    /// settlement's exchange rate (a TransferAdd carries none; docs/POSTING.md, "Exchange rates").
    bool depositForm(const domain::Document& d, const CurrencyPlan& plan) {
        return d.kind == DocKind::Transfer && plan.foreign && payloads_[d.id].type == kPayloadTransfer;
    }

    const PlannerOptions& options_;
    DecodeCache& cache_;
    store::Tx& tx_;
    domain::WcSession& session_;
    Timestamp now_;
    bool dry_;
    domain::Company company_;
    std::map<std::pair<std::string, std::string>, SessionMark> marks_;
    std::map<std::int64_t, std::shared_ptr<const DecodedSummary>> summaries_;  // held for the pass
    std::map<std::int64_t, CurrencyPlan> plans_;                      // per ready document
    std::map<std::int64_t, Payload> payloads_;                        // per ready document
    std::map<std::string, CurrencyNeed> customerCurrency_;            // lower-case name → currency it must be in
    std::map<std::string, CurrencyNeed> accountCurrency_;
    std::map<std::string, std::string> accountTypes_;                 // lower-case account name → type for AccountAdd
    std::map<std::string, std::set<qbxml::AccountRole>> accountRoles_; // lower-case account name → what it is used for
    std::vector<std::string> items_;                                  // every item the ready documents use
    std::map<std::string, const settlement::SummaryLine*> itemLines_; // lower-case item name → its first line
    std::map<std::string, ItemPlan> itemPlans_;                       // lower-case item name → how to create it
    store::EditionInfo edition_;
    std::map<std::int64_t, store::SettlementRate> rates_;            // settlement row → its frozen exchange rate
};

ItemPlan Pass::planItem(const settlement::SummaryLine* line) {
    ItemPlan plan;
    std::string category;
    if (line != nullptr) {
        plan.sku = !line->sku.empty() && line->category == settlement::kProductCategory;
        category = line->category;
        plan.description = plan.sku ? line->sku : line->description;
    } else {
        plan.description = "Settlebridge fallback item";
    }
    std::optional<domain::CategoryAccount> chosen;
    if (!category.empty()) chosen = tx_.companies().categoryAccount(company_.id, category);
    if (chosen) {
        plan.account = chosen->account;
        plan.accountType = chosen->accountType;
    } else if (plan.sku) {
        plan.account = company_.skuIncomeAccount;
        plan.accountType = "Income";
    } else if (const settlement::CategoryInfo* info = settlement::findBuiltinCategory(category)) {
        // Bank-kind categories (card charges, "Payable to Amazon") post to the company's clearing account.
        plan.account = info->accountKind == settlement::AccountKind::Bank ? company_.clearingAccount
                                                                          : std::string(info->defaultAccount);
        plan.accountType = std::string(settlement::accountKindName(info->accountKind));
    } else {
        plan.account = company_.chargeAccount;
        plan.accountType = company_.chargeAccountType;
    }
    plan.account = normalizeName(ListKind::Account, plan.account);
    if (isIncomeType(plan.accountType)) plan.expenseAccount = std::string(kPurchaseAccount);
    return plan;
}

const ItemPlan& Pass::itemPlan(const std::string& name) {
    const std::string key = asciiLower(name);
    if (auto it = itemPlans_.find(key); it != itemPlans_.end()) return it->second;
    ItemPlan plan;
    if (auto line = itemLines_.find(key); line != itemLines_.end()) {
        plan = planItem(line->second);
    } else {
        // A parent of items to create is created like its first child, without the child's description.
        const std::string prefix = key + ":";
        auto child = std::find_if(items_.begin(), items_.end(), [&](const std::string& item) {
            return item.size() > prefix.size() && common::startsWithIgnoreCaseAscii(item, prefix);
        });
        if (child != items_.end()) {
            plan = itemPlan(*child);
            plan.description.clear();
        } else {
            plan = planItem(nullptr);
        }
    }
    return itemPlans_.emplace(key, std::move(plan)).first->second;
}

std::optional<Request> Pass::ensureQueried(ListKind kind, const std::vector<std::string>& names) {
    std::vector<std::string> toQuery;
    for (const auto& name : withAncestors(names)) {
        const SessionMark* m = mark(markKind(kind), name);
        if (m != nullptr && m->status != kRequery) continue;
        if (cached(kind, name) && !verifyCurrency(kind, name)) continue;
        toQuery.push_back(name);
        if (toQuery.size() >= options_.maxNamesPerQuery) break;
    }
    if (toQuery.empty()) return std::nullopt;
    const std::string id = nextRequestId();
    std::string xml;
    PendingKind pending = PendingKind::ItemQuery;
    const auto ctx = context();
    switch (kind) {
        case ListKind::Item: xml = qbxml::renderItemQuery(toQuery, ctx, id); break;
        case ListKind::Account:
            xml = qbxml::renderAccountQuery(toQuery, ctx, id);
            pending = PendingKind::AccountQuery;
            break;
        case ListKind::Customer:
            xml = qbxml::renderCustomerQuery(toQuery, ctx, id);
            pending = PendingKind::CustomerQuery;
            break;
    }
    // The answer is checked against the currency each name must be in.
    for (const auto& name : toQuery) {
        if (const CurrencyNeed* n = kind == ListKind::Item ? nullptr : need(kind, name)) {
            setMark(wantKind(kind), name, n->quickBooksName, "");
        }
    }
    const std::string what = std::string(listWord(kind)) + " query (" + std::to_string(toQuery.size()) + " names)";
    return issue(pending, id, std::move(xml), what, std::nullopt, toQuery);
}

std::optional<Request> Pass::ensureAdded(ListKind kind, const std::vector<std::string>& names) {
    for (const auto& name : withAncestors(names)) {
        const SessionMark* m = mark(markKind(kind), name);
        if (m == nullptr || m->status != kMissing) continue;
        const std::string parent = parentOf(name);
        if (!parent.empty() && !cached(kind, parent)) {
            const SessionMark* pm = mark(markKind(kind), parent);
            if (pm != nullptr && pm->status == kFailed) {
                setMark(markKind(kind), name, kFailed,
                        "its parent \"" + parent + "\" could not be created in QuickBooks: " + pm->message);
            }
            continue;  // the parent comes first (names are sorted by depth)
        }
        const std::string id = nextRequestId();
        const auto ctx = context();
        const CurrencyNeed* currency = kind == ListKind::Item ? nullptr : need(kind, name);
        const std::string currencyRef = currency != nullptr && currency->foreign ? currency->quickBooksName : "";
        std::string xml;
        PendingKind pending = PendingKind::ItemAdd;
        try {
            switch (kind) {
                case ListKind::Account: {
                    // A parent account gets its sub-account's type (QuickBooks requires them to match).
                    std::string typeName = "Bank";
                    const std::string key = asciiLower(name);
                    if (auto typeIt = accountTypes_.find(key); typeIt != accountTypes_.end()) {
                        typeName = typeIt->second;
                    } else {
                        for (const auto& [child, type] : accountTypes_) {
                            if (child.size() > key.size() && child.compare(0, key.size() + 1, key + ":") == 0) {
                                typeName = type;
                                break;
                            }
                        }
                    }
                    // A sub-account has its parent's type: an existing parent decides it.
                    std::optional<domain::QbListEntry> parentEntry;
                    if (!parent.empty()) {
                        parentEntry = tx_.lists().find(company_.id, ListKind::Account, parent);
                        if (parentEntry && !parentEntry->type.empty()) typeName = parentEntry->type;
                    }
                    if (auto roles = accountRoles_.find(key); roles != accountRoles_.end() && parentEntry) {
                        std::string problem;
                        for (const auto role : roles->second) {
                            if (problem.empty()) {
                                problem = qbxml::accountTypeProblem(role, parentEntry->fullName, typeName);
                            }
                        }
                        if (!problem.empty()) {
                            setMark(markKind(kind), name, kWrongType,
                                    "Account \"" + name + "\" cannot be created under \"" + parentEntry->fullName +
                                        "\": a sub-account has its parent's type, and " + problem +
                                        ". Choose another account in Settings or the mapping, or create it in "
                                        "QuickBooks, then approve the settlement again.");
                            continue;
                        }
                    }
                    auto type = parseAccountType(typeName);
                    if (!type) {
                        setMark(markKind(kind), name, kFailed,
                                "account type \"" + typeName + "\" is not one Settlebridge can create");
                        continue;
                    }
                    xml = qbxml::renderAccountAdd(name, *type, "Created by Settlebridge",
                                                  *type == qbxml::AccountType::Bank ? currencyRef : std::string(), ctx,
                                                  id);
                    pending = PendingKind::AccountAdd;
                    break;
                }
                case ListKind::Customer:
                    xml = qbxml::renderCustomerAdd(name, currencyRef, ctx, id);
                    pending = PendingKind::CustomerAdd;
                    break;
                case ListKind::Item: {
                    const ItemPlan& plan = itemPlan(name);
                    std::string itemType = plan.sku ? "ItemNonInventory" : "ItemOtherCharge";
                    // A sub-item has its parent's type (QuickBooks' user's guide, "Creating subitems").
                    if (!parent.empty()) {
                        if (auto parentEntry = tx_.lists().find(company_.id, ListKind::Item, parent);
                            parentEntry && !parentEntry->type.empty()) {
                            if (!qbxml::isCreatableItemType(parentEntry->type)) {
                                setMark(markKind(kind), name, kWrongType,
                                        "Item \"" + name + "\" would be a sub-item of \"" + parentEntry->fullName +
                                            "\", " + withArticle(qbxml::itemTypeLabel(parentEntry->type)) +
                                            " item in QuickBooks, and a sub-item has its parent's type; Settlebridge "
                                            "creates only Service, Non-inventory Part and Other Charge items. Create "
                                            "it in QuickBooks, or map it to another item, then approve the "
                                            "settlement again.");
                                continue;
                            }
                            itemType = parentEntry->type;
                        }
                    }
                    std::string accountProblem;
                    for (const std::string* account : {&plan.account, &plan.expenseAccount}) {
                        if (account->empty() || !accountProblem.empty()) continue;
                        if (!cached(ListKind::Account, *account)) {
                            setMark(markKind(kind), name, kFailed,
                                    "its account \"" + *account + "\" is not in QuickBooks and could not be created");
                            accountProblem = "-";
                            continue;
                        }
                        auto entry = tx_.lists().find(company_.id, ListKind::Account, *account);
                        if (!entry->type.empty()) {
                            accountProblem = qbxml::accountTypeProblem(qbxml::AccountRole::Item, entry->fullName,
                                                                       entry->type);
                            if (!accountProblem.empty()) {
                                setMark(markKind(kind), name, kWrongType,
                                        "Item \"" + name + "\" cannot be created: " + accountProblem +
                                            ". Choose another account for it in Settings or the mapping, then approve "
                                            "the settlement again.");
                            }
                        }
                    }
                    if (!accountProblem.empty()) continue;
                    qbxml::ItemSpec spec{name, plan.description, plan.account, plan.expenseAccount};
                    xml = itemType == "ItemService"        ? qbxml::renderItemServiceAdd(spec, ctx, id)
                          : itemType == "ItemNonInventory" ? qbxml::renderItemNonInventoryAdd(spec, ctx, id)
                                                           : qbxml::renderItemOtherChargeAdd(spec, ctx, id);
                    break;
                }
            }
        } catch (const qbxml::RenderError& e) {
            setMark(markKind(kind), name, kFailed, e.what());
            continue;
        }
        std::string what = std::string(listWord(kind)) + " add " + name;
        if (!currencyRef.empty()) what += " (" + currencyRef + ")";
        return issue(pending, id, std::move(xml), what, std::nullopt, {name});
    }
    return std::nullopt;
}

std::optional<Request> Pass::ensureNamesFree(const std::vector<std::string>& customers) {
    std::vector<std::string> toCheck;
    for (const auto& name : withAncestors(customers)) {
        const SessionMark* m = mark(markKind(ListKind::Customer), name);
        if (m == nullptr || m->status != kMissing || mark(kMarkNameList, name) != nullptr) continue;
        toCheck.push_back(name);
        if (toCheck.size() >= options_.maxNamesPerQuery) break;
    }
    if (toCheck.empty()) return std::nullopt;
    const std::string id = nextRequestId();
    std::string xml;
    try {
        xml = qbxml::renderOtherNamesQuery(toCheck, context(), id);
    } catch (const qbxml::RenderError&) {
        for (const auto& name : toCheck) setMark(kMarkNameList, name, "unchecked", "");
        return std::nullopt;  // the customer add reports the bad name
    }
    return issue(PendingKind::NameQuery, id, std::move(xml),
                 "vendor, employee and other name query (" + std::to_string(toCheck.size()) + " names)", std::nullopt,
                 toCheck);
}

void Pass::warnAboutUnknownCurrency(const std::vector<domain::Document>& ready) {
    if (company_.multiCurrency.value_or(false) || !companyCurrency(company_).empty()) return;
    std::set<std::string> currencies;
    for (const auto& d : ready) {
        if (!plans_[d.id].currency.empty()) currencies.insert(plans_[d.id].currency);
    }
    if (currencies.size() < 2 || mark(kMarkCurrencyWarning, "company") != nullptr) return;
    std::string list;
    for (const auto& c : currencies) list += (list.empty() ? "" : ", ") + c;
    setMark(kMarkCurrencyWarning, "company", "warned", list);
    if (dry_) return;
    tx_.events().add(now_, company_.id, domain::EventLevel::Warning,
                     "Settlements in " + list + " are waiting for this QuickBooks company file, which has multicurrency "
                     "off and does not say which currency it keeps its books in (QuickBooks reports none then). Set the "
                     "company's currency in Settlebridge so settlements in another currency are held instead of "
                     "posted as if they were in the same one, or turn on multicurrency in QuickBooks.");
}

std::optional<Request> Pass::ensureCompanyFacts(const std::vector<domain::Document>& ready) {
    const bool lines = std::any_of(ready.begin(), ready.end(), [](const domain::Document& d) {
        return d.kind == DocKind::Receipt || d.kind == DocKind::CreditMemo;
    });
    // The list is read once per company, and again (once per session) while it lacks the code the lines carry, or
    // after QuickBooks refused a code as an invalid reference.
    const bool taxCodesKnown =
        edition_.taxCodesReadAt != 0 &&
        taxCodeProblem(company_.nonTaxableCode, store::QbEditionRepo(tx_.database()).taxCodes(company_.id)).empty();
    if (lines && company_.salesTax.value_or(false) && !taxCodesKnown && mark(kMarkTaxCodes, "company") == nullptr) {
        const std::string id = nextRequestId();
        return issue(PendingKind::TaxCodeQuery, id, qbxml::renderSalesTaxCodeQuery(context(), id),
                     "sales tax code query", std::nullopt, {});
    }
    std::vector<std::string> codes;
    std::vector<std::string> names;
    for (const auto& d : ready) {
        const CurrencyPlan& plan = plans_[d.id];
        if (!plan.foreign || plan.quickBooksCurrency.empty()) continue;
        if (rates_.count(d.settlementRow) != 0 || mark(kMarkRate, plan.currency) != nullptr) continue;
        if (auto frozen = store::QbEditionRepo(tx_.database()).settlementRate(d.settlementRow)) {
            rates_[d.settlementRow] = *frozen;
            continue;
        }
        if (std::find(codes.begin(), codes.end(), plan.currency) != codes.end()) continue;
        codes.push_back(plan.currency);
        names.push_back(plan.quickBooksCurrency);
    }
    if (names.empty()) return std::nullopt;
    const std::string id = nextRequestId();
    std::string xml;
    try {
        xml = qbxml::renderCurrencyQuery(names, context(), id);
    } catch (const qbxml::RenderError& e) {
        for (const auto& code : codes) setMark(kMarkRate, code, kFailed, e.what());
        return std::nullopt;
    }
    return issue(PendingKind::CurrencyQuery, id, std::move(xml), "currency query (" + joinLines(codes) + ")",
                 std::nullopt, codes);
}

std::vector<domain::Document> Pass::checkCompanyFacts(std::vector<domain::Document> ready) {
    std::string taxWait;
    std::string taxProblem;
    const bool taxOn = company_.salesTax.value_or(false);
    if (taxOn) {
        if (const SessionMark* m = mark(kMarkTaxCodes, "company"); m != nullptr && m->status == kFailed) {
            taxWait = m->message;
        } else {
            taxProblem = taxCodeProblem(company_.nonTaxableCode, store::QbEditionRepo(tx_.database()).taxCodes(company_.id));
        }
    }
    std::vector<domain::Document> out;
    for (auto& d : ready) {
        const CurrencyPlan& plan = plans_[d.id];
        if (taxOn && (d.kind == DocKind::Receipt || d.kind == DocKind::CreditMemo)) {
            if (!taxWait.empty()) {
                skipDocument(d, "Waiting: QuickBooks did not list its sales tax codes (" + taxWait + ").");
                continue;
            }
            if (!taxProblem.empty()) {
                holdDocument(d, kHoldTaxCode, taxProblem);
                continue;
            }
        }
        if (plan.foreign && rates_.count(d.settlementRow) == 0) {
            const SessionMark* m = mark(kMarkRate, plan.currency);
            if (m != nullptr && m->status == kFailed) {
                skipDocument(d, "Waiting: QuickBooks did not answer the exchange rate of " + plan.currency + " (" +
                                    m->message + ").");
                continue;
            }
            store::QbEditionRepo repo(tx_.database());
            const auto read = repo.rate(company_.id, plan.currency);
            const settlement::Summary& summary = summaryFor(d.settlementRow).summary();
            RateContext rc;
            rc.settlementId = d.settlementId;
            rc.settlementEnd = summary.parts.empty() ? d.txnDate : summary.parts.back().txnDate;
            rc.currency = plan.currency;
            rc.currencyName = plan.quickBooksCurrency;
            rc.homeCurrency = plan.companyCurrency;
            rc.companyName = company_.name;
            rc.maxAgeDays = edition_.rateMaxAgeDays;
            RateDecision decision = decideRate(read ? &*read : nullptr, rc, d.settlementRow, now_);
            if (!decision.rate) {
                holdDocument(d, kHoldExchangeRate, decision.holdMessage);
                continue;
            }
            if (!dry_) {
                repo.freezeRate(*decision.rate);
                tx_.events().add(now_, company_.id, domain::EventLevel::Info,
                                 "Settlement " + d.settlementId + ": exchange rate " + describeRate(*decision.rate) +
                                     ", frozen for every document of the settlement.");
            }
            rates_[d.settlementRow] = *decision.rate;
        }
        out.push_back(std::move(d));
    }
    return out;
}

std::optional<Request> Pass::run() {
    if (session_.refused) return std::nullopt;
    if (session_.idleRequests >= options_.maxIdleRequests) return std::nullopt;  // stalled: the summary says why
    if (!session_.preferencesRead) {
        const std::string id = nextRequestId();
        return issue(PendingKind::Preferences, id, qbxml::renderPreferencesQuery(context(), id), "preferences query",
                     std::nullopt, {});
    }

    std::vector<domain::Document> docs = tx_.documents().listIn(company_.id, {DocState::Sent, DocState::Queued});

    // 1. Documents whose fate is unknown are looked up before anything is sent.
    for (const auto& d : docs) {
        if (docSkipped(d)) continue;
        if (d.state != DocState::Sent && !(d.state == DocState::Queued && d.verifyFirst)) continue;
        const std::string id = nextRequestId();
        std::string xml;
        try {
            xml = renderLookup(d, context(), id);
        } catch (const qbxml::RenderError& e) {
            skipDocument(d, std::string("Settlebridge cannot check QuickBooks for it: ") + e.what());
            continue;
        }
        return issue(PendingKind::DocumentLookup, id, std::move(xml), "lookup of " + docLabel(d), d.id, {});
    }

    // 2. The documents ready to post now.
    std::vector<domain::Document> ready;
    for (auto& d : docs) {
        if (d.state != DocState::Queued || docSkipped(d) || d.retryAfter > now_) continue;
        if (!company_.closingDate.empty() && !d.txnDate.empty() && d.txnDate <= company_.closingDate) {
            holdDocument(d, "closed-period",
                         "It is dated " + d.txnDate + ", on or before the closing date " + company_.closingDate +
                             " set in QuickBooks: that period is closed. Change the closing date in QuickBooks "
                             "(or the settings' time zone), then approve it again.");
            continue;
        }
        if (d.kind == DocKind::RefundPayment) {
            if (!d.dependsOn) continue;
            auto memo = tx_.documents().find(*d.dependsOn);
            if (!memo || memo->state != DocState::Posted) continue;  // waits for its credit memo
        }
        Payload payload = cache_.payload(d.payload);
        CurrencyPlan plan = planCurrency(company_, d, payload.transferTo);
        if (!plan.refusal.empty()) {
            holdDocument(d, kHoldCurrency, plan.refusal);
            continue;
        }
        if (payload.type == kPayloadReturned && plan.foreign) {
            holdDocument(d, kHoldCurrency,
                         "Settlement " + d.settlementId + " is in " + plan.currency + ", but \"" + carriedBalanceAccount() +
                             "\" is kept in the home currency, and QuickBooks transfers money only between accounts "
                             "of one currency. Record the returned payout with a journal entry instead (docs/ACCOUNTING.md "
                             "section 14); this transfer stays held.");
            continue;
        }
        plans_[d.id] = std::move(plan);
        payloads_[d.id] = std::move(payload);
        ready.push_back(std::move(d));
    }
    if (ready.empty()) return std::nullopt;
    warnAboutUnknownCurrency(ready);

    // 2b. What the company file's edition and currency list say about them (docs/POSTING.md, "Editions",
    //     "Exchange rates").
    if (auto r = ensureCompanyFacts(ready)) return r;
    ready = checkCompanyFacts(std::move(ready));
    if (ready.empty()) return std::nullopt;

    // 3. Their prerequisites: each document's clearing (and transfer) account and customer, in its currency when
    //    multicurrency is on, and every item.
    std::vector<std::string> accounts;
    std::vector<std::string> customers;
    std::set<std::string> accountKeys;
    std::set<std::string> customerKeys;
    std::set<std::string> itemKeys;
    auto addUnique = [](std::vector<std::string>& list, std::set<std::string>& keys, const std::string& name) {
        if (keys.insert(asciiLower(name)).second) list.push_back(name);
    };
    auto require = [this](ListKind kind, const std::string& name, const CurrencyPlan& plan) {
        if (!plan.multicurrency) return;
        needs(kind).emplace(asciiLower(name), CurrencyNeed{plan.quickBooksCurrency, plan.foreign});
    };
    std::map<std::int64_t, std::string> docClearing;
    std::map<std::int64_t, std::string> docCustomer;
    std::map<std::int64_t, std::string> docTransferTo;
    std::map<std::int64_t, const DocumentItems*> docItems;
    const std::string fallback =
        company_.fallbackItem.empty() ? std::string() : normalizeName(ListKind::Item, company_.fallbackItem);
    // The carried-balance account (docs/ACCOUNTING.md section 14): what a negative settlement's documents go through
    // and where a returned payout is transferred back to; named like the items of its categories, so one account.
    const std::string carried = carriedBalanceAccount();
    for (const auto& d : ready) {
        const CurrencyPlan& plan = plans_[d.id];
        if (d.kind == DocKind::Transfer && payloads_[d.id].type == kPayloadReturned) {
            // Bank → carried-balance account. That account is kept in the home currency (an other current asset).
            const std::string from = normalizeName(ListKind::Account, plan.transferAccount);
            docClearing[d.id] = from;
            docTransferTo[d.id] = carried;
            addUnique(accounts, accountKeys, from);
            if (!accountTypes_.count(asciiLower(from))) accountTypes_[asciiLower(from)] = "Bank";
            require(ListKind::Account, from, plan);
            addUnique(accounts, accountKeys, carried);
            if (!accountTypes_.count(asciiLower(carried))) accountTypes_[asciiLower(carried)] = "OtherCurrentAsset";
            continue;
        }
        const bool throughCarried = d.kind != DocKind::Transfer && summaryFor(d.settlementRow).summary().throughCarriedBalance();
        const std::string clearing = throughCarried ? carried : normalizeName(ListKind::Account, plan.clearingAccount);
        docClearing[d.id] = clearing;
        addUnique(accounts, accountKeys, clearing);
        if (throughCarried) {
            if (!accountTypes_.count(asciiLower(clearing))) accountTypes_[asciiLower(clearing)] = "OtherCurrentAsset";
        } else {
            accountTypes_[asciiLower(clearing)] = "Bank";
            require(ListKind::Account, clearing, plan);
        }
        if (d.kind == DocKind::Receipt) roleOf(clearing, qbxml::AccountRole::Deposit);
        if (d.kind == DocKind::RefundPayment) roleOf(clearing, qbxml::AccountRole::Refund);
        if (d.kind == DocKind::Transfer) {
            const std::string to = normalizeName(ListKind::Account, plan.transferAccount);
            docTransferTo[d.id] = to;
            addUnique(accounts, accountKeys, to);
            if (!accountTypes_.count(asciiLower(to))) accountTypes_[asciiLower(to)] = "Bank";
            require(ListKind::Account, to, plan);
            if (depositForm(d, plan)) {
                // A DepositAdd: the bank account is deposited into, the clearing account is its line's account.
                roleOf(clearing, qbxml::AccountRole::DepositLine);
                roleOf(to, qbxml::AccountRole::Deposit);
            } else {
                roleOf(clearing, qbxml::AccountRole::Transfer);
                roleOf(to, qbxml::AccountRole::Transfer);
            }
            continue;
        }
        const std::string customer = normalizeName(ListKind::Customer, plan.customer);
        docCustomer[d.id] = customer;
        addUnique(customers, customerKeys, customer);
        require(ListKind::Customer, customer, plan);
        if (d.kind != DocKind::Receipt && d.kind != DocKind::CreditMemo) continue;
        const DocumentItems& used = summaryFor(d.settlementRow).items(payloads_[d.id].externalKey);
        docItems[d.id] = &used;
        for (std::size_t i = 0; i < used.names.size(); ++i) {
            addUnique(items_, itemKeys, used.names[i]);
            itemLines_.emplace(asciiLower(used.names[i]), used.lines[i]);
        }
    }
    if (!fallback.empty()) addUnique(items_, itemKeys, fallback);

    if (auto r = ensureQueried(ListKind::Account, accounts)) return r;
    if (auto r = ensureAdded(ListKind::Account, accounts)) return r;
    if (auto r = ensureQueried(ListKind::Customer, customers)) return r;
    if (auto r = ensureNamesFree(customers)) return r;
    if (auto r = ensureAdded(ListKind::Customer, customers)) return r;
    if (auto r = ensureQueried(ListKind::Item, items_)) return r;
    std::vector<std::string> missingItems;
    for (const auto& name : withAncestors(items_)) {
        const SessionMark* m = mark("item", name);
        if (m != nullptr && m->status == kMissing) missingItems.push_back(name);
    }
    if (company_.autoCreateItems && !missingItems.empty()) {
        std::vector<std::string> itemAccounts;
        std::set<std::string> itemAccountKeys;
        for (const auto& name : missingItems) {
            const ItemPlan& plan = itemPlan(name);
            addUnique(itemAccounts, itemAccountKeys, plan.account);
            if (!accountTypes_.count(asciiLower(plan.account))) accountTypes_[asciiLower(plan.account)] = plan.accountType;
            roleOf(plan.account, qbxml::AccountRole::Item);
            if (!plan.expenseAccount.empty()) {
                addUnique(itemAccounts, itemAccountKeys, plan.expenseAccount);
                if (!accountTypes_.count(asciiLower(plan.expenseAccount))) {
                    accountTypes_[asciiLower(plan.expenseAccount)] = std::string(kPurchaseAccountType);
                }
                roleOf(plan.expenseAccount, qbxml::AccountRole::Item);
            }
        }
        if (auto r = ensureQueried(ListKind::Account, itemAccounts)) return r;
        if (auto r = ensureAdded(ListKind::Account, itemAccounts)) return r;
        if (auto r = ensureAdded(ListKind::Item, missingItems)) return r;
    }

    // 4. The first document whose references all exist, in its currency.
    const bool fallbackKnown = !fallback.empty() && cached(ListKind::Item, fallback);
    auto unresolved = [&](ListKind kind, const std::string& name) -> std::string {
        if (cached(kind, name)) return {};
        std::string text = upperFirst(std::string(listWord(kind))) + " \"" + name + "\" is not in QuickBooks";
        if (const SessionMark* m = mark(markKind(kind), name); m != nullptr && !m->message.empty()) {
            text += " (" + m->message + ")";
        } else if (kind == ListKind::Item && !company_.autoCreateItems) {
            text += " and creating items is turned off; create it in QuickBooks or set a fallback item";
        }
        return text;
    };
    for (auto& d : ready) {
        const CurrencyPlan& plan = plans_[d.id];
        const std::string& clearing = docClearing[d.id];
        const std::string& customer = docCustomer[d.id];
        const std::string& transferTo = docTransferTo[d.id];
        std::string conflict = currencyConflict(ListKind::Account, clearing, plan);
        if (conflict.empty()) conflict = currencyConflict(ListKind::Account, transferTo, plan);
        bool customerConflict = false;
        if (conflict.empty()) {
            conflict = currencyConflict(ListKind::Customer, customer, plan);
            customerConflict = !conflict.empty();
        }
        if (!conflict.empty()) {
            holdDocument(d, kHoldCurrency, "Settlement " + d.settlementId + " is in " + plan.currency + ". " + conflict);
            // Asked again next time: once the customer is renamed in QuickBooks, the right one is created.
            if (customerConflict && !dry_) tx_.lists().forget(company_.id, ListKind::Customer, customer);
            continue;
        }
        // Types and names QuickBooks will not take: held before anything is sent (issue 13).
        std::string held;
        std::string_view holdReason = kHoldAccountType;
        std::vector<std::string> docAccounts;
        if (d.kind != DocKind::CreditMemo) docAccounts.push_back(clearing);
        if (d.kind == DocKind::Transfer) docAccounts.push_back(transferTo);
        for (const auto& account : docAccounts) {
            if (!held.empty()) break;
            if (std::string problem = accountTypeConflict(account); !problem.empty()) {
                held = upperFirst(problem) + ". Choose another account in Settings (or change that account in "
                       "QuickBooks), then approve the settlement again.";
                if (auto entry = tx_.lists().find(company_.id, ListKind::Account, account)) {
                    // Asked again next session (the account may have been changed in QuickBooks by then); the marks
                    // keep QuickBooks' answer for the other documents of this one.
                    setMark(kMarkAccountType, account, entry->type, "");
                    setMark(markKind(ListKind::Account), account, kWrongType, held);
                    if (!dry_) tx_.lists().forget(company_.id, ListKind::Account, account);
                }
            } else if (const SessionMark* m = mark(markKind(ListKind::Account), account); m && m->status == kWrongType) {
                held = m->message;
            }
        }
        if (held.empty() && d.kind != DocKind::Transfer) {
            std::vector<std::string> names = qbxml::parentNames(customer);
            names.push_back(customer);
            for (const auto& name : names) {
                if (const SessionMark* m = mark(markKind(ListKind::Customer), name); m && m->status == kNameInUse) {
                    held = m->message;
                    holdReason = kHoldNameInUse;
                    break;
                }
            }
        }
        if (held.empty()) {
            if (auto used = docItems.find(d.id); used != docItems.end()) {
                for (std::size_t i = 0; i < used->second->names.size() && held.empty(); ++i) {
                    const std::string& name = used->second->names[i];
                    const settlement::SummaryLine* line = used->second->lines[i];
                    const bool sku = line != nullptr && !line->sku.empty() &&
                                     line->category == settlement::kProductCategory;
                    if (const SessionMark* m = mark(markKind(ListKind::Item), name); m && m->status == kWrongType) {
                        held = m->message;
                        holdReason = kHoldItemType;
                    } else if (auto entry = tx_.lists().find(company_.id, ListKind::Item, name);
                               entry && !entry->type.empty() && !qbxml::isSalesLineItemType(entry->type)) {
                        held = itemTypeMessage(entry->fullName, entry->type, sku);
                        holdReason = kHoldItemType;
                        setMark(markKind(ListKind::Item), name, kWrongType, held);
                        if (!dry_) tx_.lists().forget(company_.id, ListKind::Item, name);
                    }
                }
            }
        }
        if (held.empty() && fallbackKnown) {
            if (auto entry = tx_.lists().find(company_.id, ListKind::Item, fallback);
                entry && !entry->type.empty() && !qbxml::isSalesLineItemType(entry->type)) {
                const auto used = docItems.find(d.id);
                const bool needsFallback =
                    used != docItems.end() &&
                    std::any_of(used->second->names.begin(), used->second->names.end(),
                                [&](const std::string& name) { return !cached(ListKind::Item, name); });
                if (needsFallback) {
                    held = "The fallback item: " + itemTypeMessage(entry->fullName, entry->type, false);
                    holdReason = kHoldItemType;
                }
            }
        }
        if (!held.empty()) {
            holdDocument(d, holdReason, "Settlement " + d.settlementId + " cannot be posted as it is. " + held);
            continue;
        }

        std::map<std::string, std::string> substitutions;
        std::string blocked;
        if (d.kind != DocKind::CreditMemo) blocked = unresolved(ListKind::Account, clearing);
        if (blocked.empty() && d.kind == DocKind::Transfer) blocked = unresolved(ListKind::Account, transferTo);
        if (blocked.empty() && d.kind != DocKind::Transfer) blocked = unresolved(ListKind::Customer, customer);
        if (blocked.empty()) {
            if (auto used = docItems.find(d.id); used != docItems.end()) {
                for (const auto& name : used->second->names) {
                    std::string why = unresolved(ListKind::Item, name);
                    if (why.empty()) continue;
                    if (fallbackKnown) {
                        substitutions[name] = fallback;
                        continue;
                    }
                    blocked = why;
                    break;
                }
            }
        }
        if (!blocked.empty()) {
            skipDocument(d, "Waiting: " + blocked + ".");
            continue;
        }
        std::string creditMemoTxnId;
        if (d.kind == DocKind::RefundPayment) creditMemoTxnId = tx_.documents().find(*d.dependsOn)->qbTxnId;
        const std::string id = nextRequestId();
        qbxml::RenderContext ctx = context();
        ctx.customerName = customer;
        ctx.clearingAccount = clearing;
        ctx.carriedBalanceAccount = carried;
        const bool asDeposit = depositForm(d, plan);
        if (plan.foreign && (d.kind != DocKind::Transfer || asDeposit)) {
            if (auto rate = rates_.find(d.settlementRow); rate != rates_.end()) ctx.exchangeRate = rate->second.rate;
        }
        ctx.transferAsDeposit = asDeposit;
        if (d.kind == DocKind::Transfer) ctx.transferToAccount = transferTo;
        if (d.kind == DocKind::Transfer && payloads_[d.id].type == kPayloadReturned) {
            ctx.transferToAccount = clearing;  // the bank it comes back from
            ctx.carriedBalanceAccount = transferTo;
        }
        std::string xml;
        try {
            xml = renderAdd(d, summaryFor(d.settlementRow).summary(), ctx, id, creditMemoTxnId, substitutions);
        } catch (const std::exception& e) {
            if (dry_) {
                setMark(kMarkDocument, std::to_string(d.id), kSkipped, e.what());
            } else {
                failDocument(d, std::string("It cannot be posted to QuickBooks as it is: ") + e.what());
            }
            continue;
        }
        if (!dry_) {
            // The names the add uses go with it: a lookup after a lost answer matches on them.
            Payload sent = payloads_[d.id];
            sent.sentCustomer = d.kind == DocKind::Transfer ? std::string() : customer;
            sent.sentAccount = clearing;
            sent.sentTransferTo = transferTo;
            sent.sentForm = asDeposit ? kSentAsDeposit : "";
            d.payload = encodePayload(sent);
            d = markSent(std::move(d), session_.id, now_);
            tx_.documents().save(d);
        }
        std::string what = kindLabel(d.kind) + " " + (d.refNumber.empty() ? d.externalKey : d.refNumber);
        if (!substitutions.empty()) {
            what += " (fallback item for " + std::to_string(substitutions.size()) + " missing items)";
            if (!dry_) {
                tx_.events().add(now_, company_.id, domain::EventLevel::Warning,
                                 upperFirst(docLabel(d)) + " uses the fallback item \"" + fallback + "\" for " +
                                     std::to_string(substitutions.size()) + " item(s) missing in QuickBooks.");
            }
        }
        return issue(PendingKind::DocumentAdd, id, std::move(xml), what, d.id, {});
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------------------------
// Applying answers

class Applier {
public:
    Applier(const PlannerOptions& options, DecodeCache& cache, store::Tx& tx, domain::WcSession& session, Timestamp now)
        : options_(options), cache_(cache), tx_(tx), session_(session), now_(now) {
        auto company = tx_.companies().find(session_.companyId);
        if (!company) throw store::StoreError("the session's company no longer exists");
        company_ = *company;
    }

    ResponseOutcome apply(std::string_view xml);

private:
    void setMark(std::string_view kind, const std::string& name, std::string_view status, const std::string& message) {
        tx_.sessions().setMark(session_.id, SessionMark{std::string(kind), name, std::string(status), message});
    }
    std::optional<SessionMark> mark(std::string_view kind, const std::string& name) {
        return tx_.sessions().mark(session_.id, kind, name);
    }
    void event(domain::EventLevel level, const std::string& message) {
        tx_.events().add(now_, company_.id, level, message);
    }
    ResponseOutcome applyPreferences(const qbxml::ResponseSet& set);
    ResponseOutcome applyListQuery(ListKind kind, const qbxml::Response& rs);
    ResponseOutcome applyListAdd(ListKind kind, const qbxml::Response& rs);
    ResponseOutcome applyNameQuery(const qbxml::ResponseSet& set, const std::string& requestId);
    ResponseOutcome applyLookup(const qbxml::Response& rs);
    ResponseOutcome applyAdd(const qbxml::Response& rs);
    ResponseOutcome applyTaxCodes(const qbxml::Response& rs);
    ResponseOutcome applyRates(const qbxml::Response& rs);
    void forgetReferences(const domain::Document& doc, std::string_view message);
    /// QuickBooks holds `txn` for `doc` (answer to an add, or found by a lookup): posted when its total is the
    /// one expected, otherwise failed loudly (QuickBooks added tax or a price level). The message parts are
    /// completed with the document's label and the two totals.
    ResponseOutcome settle(domain::Document doc, const qbxml::TxnRet& txn, const qbxml::Response& rs,
                           const std::string& mismatchLead, const std::string& mismatchAdvice,
                           const std::string& postedText);
    /// The names `doc`'s add used: recorded when it was sent, else (sent by an older version) derived again.
    struct UsedNames {
        std::string customer;
        std::string account;
        std::string transferTo;
    };
    UsedNames usedNames(const domain::Document& doc);

    bool idle_ = false;  // this answer moved nothing forward (counted towards PlannerOptions::maxIdleRequests)
    const PlannerOptions& options_;
    DecodeCache& cache_;
    store::Tx& tx_;
    domain::WcSession& session_;
    Timestamp now_;
    domain::Company company_;
};

ResponseOutcome Applier::apply(std::string_view xml) {
    const PendingKind kind = session_.pendingKind;
    const std::string requestId = session_.pendingRequestId;
    if (kind == PendingKind::None) {
        return ResponseOutcome{true, "QuickBooks answered a request Settlebridge was not waiting for; the answer was "
                                     "ignored. Run the Web Connector again."};
    }
    qbxml::ResponseSet set;
    try {
        set = qbxml::parseResponse(xml);
    } catch (const qbxml::ResponseError& e) {
        return ResponseOutcome{true, std::string("Settlebridge could not read QuickBooks' answer (") + e.what() +
                                         "). Nothing is lost: what was sent is checked in QuickBooks next time."};
    }
    ResponseOutcome outcome;
    if (kind == PendingKind::Preferences) {
        outcome = applyPreferences(set);
    } else if (kind == PendingKind::NameQuery) {
        outcome = applyNameQuery(set, requestId);
    } else {
        const qbxml::Response* rs = set.find(requestId);
        if (rs == nullptr) {
            return ResponseOutcome{true, "QuickBooks' answer does not belong to the request Settlebridge sent (request " +
                                             requestId + "). Nothing is lost: it is checked in QuickBooks next time."};
        }
        switch (kind) {
            case PendingKind::AccountQuery: outcome = applyListQuery(ListKind::Account, *rs); break;
            case PendingKind::CustomerQuery: outcome = applyListQuery(ListKind::Customer, *rs); break;
            case PendingKind::ItemQuery: outcome = applyListQuery(ListKind::Item, *rs); break;
            case PendingKind::AccountAdd: outcome = applyListAdd(ListKind::Account, *rs); break;
            case PendingKind::CustomerAdd: outcome = applyListAdd(ListKind::Customer, *rs); break;
            case PendingKind::ItemAdd: outcome = applyListAdd(ListKind::Item, *rs); break;
            case PendingKind::DocumentLookup: outcome = applyLookup(*rs); break;
            case PendingKind::DocumentAdd: outcome = applyAdd(*rs); break;
            case PendingKind::TaxCodeQuery: outcome = applyTaxCodes(*rs); break;
            case PendingKind::CurrencyQuery: outcome = applyRates(*rs); break;
            case PendingKind::None:
            case PendingKind::Preferences:
            case PendingKind::NameQuery: break;
        }
    }
    session_.pendingKind = PendingKind::None;
    session_.pendingRequestId.clear();
    session_.pendingDocumentId.reset();
    session_.pendingNames.clear();
    session_.responsesReceived += 1;
    session_.idleRequests = idle_ ? session_.idleRequests + 1 : 0;
    if (session_.idleRequests == options_.maxIdleRequests) {
        event(domain::EventLevel::Warning, "The last " + std::to_string(session_.idleRequests) +
                                              " answers from QuickBooks moved nothing forward: Settlebridge ended the "
                                              "session (the next Web Connector run carries on).");
    }
    if (outcome.error) session_.lastError = outcome.message;
    tx_.sessions().update(session_);
    return outcome;
}

void applyPreferenceInfo(domain::Company& company, const qbxml::PreferencesInfo& p, std::string_view editionCountry) {
    learnCurrency(company, p, editionCountry);
    company.salesTax = p.salesTaxOn;
    if (p.salesTaxOn && !p.defaultNonTaxableCode.empty()) company.nonTaxableCode = p.defaultNonTaxableCode;
    company.closingDate = p.closingDate.value_or("");
}

ResponseOutcome Applier::applyPreferences(const qbxml::ResponseSet& set) {
    const qbxml::Response* rs = set.findType("PreferencesQueryRs");
    if (rs == nullptr || !rs->preferences) {
        session_.preferencesRead = true;  // go on without: the documents' own errors will tell
        event(domain::EventLevel::Warning, "QuickBooks did not return its preferences; posting without them.");
        return {};
    }
    applyPreferenceInfo(company_, *rs->preferences, "");
    tx_.companies().update(company_, now_);
    session_.preferencesRead = true;
    return {};
}

ResponseOutcome Applier::applyListQuery(ListKind kind, const qbxml::Response& rs) {
    const std::vector<std::string> names = splitLines(session_.pendingNames);
    const auto cls = qbxml::classifyStatus(rs.statusCode, rs.statusMessage);
    if (cls.kind != qbxml::StatusClass::ok && cls.kind != qbxml::StatusClass::warning) {
        for (const auto& name : names) setMark(markKind(kind), name, kFailed, cls.explanation);
        event(domain::EventLevel::Warning,
              "QuickBooks refused a " + std::string(listWord(kind)) + " query: " + cls.explanation);
        return {};
    }
    for (const auto& ret : rs.lists) {
        if (ret.fullName.empty() || ret.listId.empty()) continue;
        const std::string type = kind == ListKind::Account ? ret.accountType
                                 : kind == ListKind::Customer ? ret.currency
                                                              : ret.type;
        if (!ret.isActive) {
            setMark(markKind(kind), ret.fullName, kFailed,
                    "it is inactive in QuickBooks: make it active there, then run the Web Connector again");
            continue;
        }
        if (kind != ListKind::Item && company_.multiCurrency.value_or(false)) {
            // A customer or bank account the documents need in a currency: QuickBooks must have it in that one
            // (QuickBooks leaves CurrencyRef out for the home currency).
            if (auto want = mark(wantKind(kind), ret.fullName)) {
                const std::string actual = ret.currency.empty() ? homeQuickBooksCurrency(company_) : ret.currency;
                if (!sameCurrencyName(actual, want->status)) {
                    const std::string message = wrongCurrencyMessage(kind, ret.fullName, actual, want->status);
                    setMark(markKind(kind), ret.fullName, kWrongCurrency, message);
                    event(domain::EventLevel::Warning, message);
                    continue;
                }
                setMark(wantKind(kind), ret.fullName, want->status, std::string(kVerified));
            }
        }
        tx_.lists().remember(company_.id, kind, domain::QbListEntry{ret.fullName, ret.listId, type, now_});
        tx_.sessions().clearMark(session_.id, markKind(kind), ret.fullName);
    }
    for (const auto& name : names) {
        if (rs.findList(name) != nullptr) continue;
        auto previous = mark(markKind(kind), name);
        if (previous && previous->status == kRequery) {
            setMark(markKind(kind), name, kFailed,
                    "QuickBooks says the name is already in use, but not by an active " + std::string(listWord(kind)) +
                        (kind == ListKind::Customer
                             ? " (a vendor, employee or other name may have it: QuickBooks keeps them in one list "
                               "with customers)"
                             : std::string()) +
                        ": rename or reactivate that entry in QuickBooks");
        } else if (!previous || previous->status != kFailed) {
            setMark(markKind(kind), name, kMissing, "");
        }
    }
    return {};
}

ResponseOutcome Applier::applyNameQuery(const qbxml::ResponseSet& set, const std::string& requestId) {
    const std::vector<std::string> names = splitLines(session_.pendingNames);
    for (const auto& name : names) setMark(kMarkNameList, name, "checked", "");
    for (const auto& [suffix, word, list] : {std::tuple<const char*, const char*, const char*>{"-v", "a vendor", "Vendor"},
                                             {"-e", "an employee", "Employee"},
                                             {"-o", "an other name", "Other Name"}}) {
        const qbxml::Response* rs = set.find(requestId + suffix);
        if (rs == nullptr) continue;
        const auto cls = qbxml::classifyStatus(rs->statusCode, rs->statusMessage);
        if (cls.kind != qbxml::StatusClass::ok && cls.kind != qbxml::StatusClass::warning) continue;
        for (const auto& ret : rs->lists) {
            const std::string& name = ret.fullName;
            if (name.empty()) continue;
            const std::string message =
                "The customer name \"" + name + "\" is " + word + (ret.isActive ? "" : " (inactive)") +
                " in QuickBooks, and QuickBooks keeps customers, vendors, employees and other names in one list, so "
                "Settlebridge cannot create a customer by that name. Rename the " + list + " in QuickBooks (for "
                "example to \"" + name + " (" + list + ")\"), or choose another customer name in Settings (or a "
                "`customer` line of the mapping), then approve the settlement again.";
            setMark(markKind(ListKind::Customer), name, kNameInUse, message);
            event(domain::EventLevel::Warning, message);
        }
    }
    return {};
}

ResponseOutcome Applier::applyListAdd(ListKind kind, const qbxml::Response& rs) {
    const std::vector<std::string> names = splitLines(session_.pendingNames);
    const std::string name = names.empty() ? std::string() : names.front();
    const auto cls = qbxml::classifyStatus(rs.statusCode, rs.statusMessage);
    if ((cls.kind == qbxml::StatusClass::ok || cls.kind == qbxml::StatusClass::warning) && !rs.lists.empty()) {
        const auto& ret = rs.lists.front();
        const std::string type = kind == ListKind::Account ? ret.accountType
                                 : kind == ListKind::Customer ? ret.currency
                                                              : ret.type;
        const std::string fullName = ret.fullName.empty() ? name : ret.fullName;
        tx_.lists().remember(company_.id, kind, domain::QbListEntry{fullName, ret.listId, type, now_});
        tx_.sessions().clearMark(session_.id, markKind(kind), name);
        std::string created = "Created " + std::string(listWord(kind)) + " \"" + fullName + "\" in QuickBooks";
        if (kind != ListKind::Item) {
            if (auto want = mark(wantKind(kind), name)) {
                setMark(wantKind(kind), name, want->status, std::string(kVerified));  // created in that currency
                if (!ret.currency.empty()) created += " in " + ret.currency;
            }
        }
        event(domain::EventLevel::Info, created + ".");
        return {};
    }
    if (cls.kind == qbxml::StatusClass::duplicate) {
        auto previous = mark(markKind(kind), name);
        if (previous && previous->status == kRequery) {
            setMark(markKind(kind), name, kFailed, cls.explanation);
        } else {
            setMark(markKind(kind), name, kRequery, "");
        }
        return {};
    }
    std::string message = cls.explanation;
    if (cls.kind == qbxml::StatusClass::retryLater) message += " Settlebridge tries again next time.";
    if (rs.statusMessage.find("reference to QuickBooks Currency") != std::string::npos) {
        message += " Make sure the currency is in QuickBooks' currency list and active (Lists > Currency List).";
    }
    setMark(markKind(kind), name, kFailed, message);
    event(domain::EventLevel::Warning,
          "Could not create " + std::string(listWord(kind)) + " \"" + name + "\" in QuickBooks: " + message);
    return {};
}

ResponseOutcome Applier::settle(domain::Document doc, const qbxml::TxnRet& txn, const qbxml::Response& rs,
                                const std::string& mismatchLead, const std::string& mismatchAdvice,
                                const std::string& postedText) {
    const QbResult result{txn.txnId, txn.txnDate, txn.totalAmount, rs.statusCode, rs.statusMessage};
    if (txn.totalAmount && *txn.totalAmount != doc.expectedTotal) {
        const std::string message = upperFirst(docLabel(doc)) + mismatchLead + common::formatCents(*txn.totalAmount) +
                                    " instead of " + common::formatCents(doc.expectedTotal) + mismatchAdvice;
        doc = markFailed(std::move(doc), result, message, session_.id, now_);
        tx_.documents().save(doc);
        event(domain::EventLevel::Error, message);
        return ResponseOutcome{true, message};
    }
    doc = markPosted(std::move(doc), result, session_.id, now_);
    tx_.documents().save(doc);
    event(domain::EventLevel::Info, upperFirst(docLabel(doc)) + postedText);
    return {};
}

ResponseOutcome Applier::applyLookup(const qbxml::Response& rs) {
    auto found = session_.pendingDocumentId ? tx_.documents().find(*session_.pendingDocumentId) : std::nullopt;
    if (!found || (found->state != DocState::Sent && found->state != DocState::Queued)) return {};
    domain::Document doc = *found;
    const auto cls = qbxml::classifyStatus(rs.statusCode, rs.statusMessage);
    if (cls.kind != qbxml::StatusClass::ok && cls.kind != qbxml::StatusClass::warning) {
        const std::string message = "Settlebridge could not check whether " + docLabel(doc) +
                                    " is already in QuickBooks, so it was not sent again: " + cls.explanation;
        tx_.sessions().setMark(session_.id, SessionMark{std::string(kMarkDocument), std::to_string(doc.id),
                                                        std::string(kSkipped), message});
        doc.lookupAnswer = answerWords(rs);
        doc.updatedAt = now_;
        tx_.documents().save(doc);
        event(domain::EventLevel::Warning, message);
        idle_ = true;
        return ResponseOutcome{true, message};
    }

    const qbxml::TxnRet* ours = nullptr;       // proven ours by the ExternalGUID
    const qbxml::TxnRet* matching = nullptr;   // same RefNumber, date, customer and total
    const qbxml::TxnRet* other = nullptr;      // same RefNumber (or same-day transfer) but not matching
    const UsedNames used = usedNames(doc);
    for (const auto& t : rs.txns) {
        if (doc.kind == DocKind::Transfer) {
            // A transfer (TransferRet) carries no ExternalGUID: its memo names its external key. A foreign deposit's
            // move (DepositRet) carries the ExternalGUID of that key as well.
            const bool deposit = t.retType == "DepositRet";
            const bool memoNames = !t.memo.empty() && t.memo.find(doc.externalKey) != std::string::npos;
            const bool guidNames = deposit && !t.externalGuid.empty() &&
                                   qbxml::sameGuid(t.externalGuid, qbxml::externalGuid(doc.externalKey));
            const bool sameMoves =
                t.totalAmount == doc.expectedTotal &&
                (deposit ? t.externalGuid.empty() && equalsIgnoreCaseAscii(t.depositToAccount, used.transferTo)
                         : equalsIgnoreCaseAscii(t.transferFromAccount, used.account) &&
                               equalsIgnoreCaseAscii(t.transferToAccount, used.transferTo));
            if ((memoNames || guidNames) && !ours) ours = &t;
            else if (sameMoves && t.txnDate == doc.txnDate && !matching) matching = &t;
            continue;
        }
        if (t.refNumber != doc.refNumber) continue;
        if (!t.externalGuid.empty() && !doc.externalGuid.empty() && qbxml::sameGuid(t.externalGuid, doc.externalGuid)) {
            if (!ours) ours = &t;
        } else if (t.txnDate == doc.txnDate && equalsIgnoreCaseAscii(t.customerFullName, used.customer) &&
                   t.totalAmount == doc.expectedTotal && t.externalGuid.empty()) {
            if (!matching) matching = &t;
        } else if (!other) {
            other = &t;
        }
    }
    const qbxml::TxnRet* hit = ours != nullptr ? ours : matching;
    if (hit != nullptr) {
        return settle(std::move(doc), *hit, rs,
                      " is in QuickBooks (TxnID " + hit->txnId + ") with a total of ",
                      ": QuickBooks probably added its own sales tax or a price level. Correct or delete it in "
                      "QuickBooks, then retry it in Settlebridge.",
                      " was already in QuickBooks (TxnID " + hit->txnId + "): marked posted, not sent again.");
    }
    doc.lookupAnswer = answerWords(rs);
    if (other != nullptr) {
        const std::string message =
            "QuickBooks already has a " + kindLabel(doc.kind) + " numbered " + doc.refNumber + " (TxnID " +
            other->txnId + ", dated " + other->txnDate + ", customer \"" + other->customerFullName + "\", total " +
            (other->totalAmount ? common::formatCents(*other->totalAmount) : std::string("?")) +
            ") that does not match this document; Settlebridge will not add a second one. Check it in QuickBooks, "
            "then retry.";
        doc = markFailed(std::move(doc), QbResult{"", "", std::nullopt, rs.statusCode, rs.statusMessage}, message,
                         session_.id, now_);
        tx_.documents().save(doc);
        event(domain::EventLevel::Error, message);
        return {};
    }
    // Not in QuickBooks. An add QuickBooks answered is never sent again: a person checks.
    if (!doc.addAnswer.empty()) {
        const std::string message =
            "QuickBooks answered its add (" + doc.addAnswer + ") but a query for it finds nothing (" + doc.lookupAnswer +
            "). Settlebridge does not send it again: look for it in QuickBooks (by date, customer and amount). If it "
            "is not there, retry it; if it is, leave this one as it is.";
        doc = needsChecking(std::move(doc), kCheckAnswered, message, session_.id, now_);
        tx_.documents().save(doc);
        event(domain::EventLevel::Error, upperFirst(docLabel(doc)) + " needs checking: " + message);
        return {};
    }
    // An add that got no answer is sent again, at most maxResends times over all sessions; then a person checks.
    if (doc.attempts > 0 && doc.resends >= options_.maxResends) {
        const std::string message =
            "It was sent to QuickBooks " + std::to_string(doc.attempts) + " times without an answer, and QuickBooks "
            "says it does not have it (" + doc.lookupAnswer + "). Settlebridge does not send it again by itself: check "
            "QuickBooks for it (and the Web Connector's log for why the answers were lost). If it is not there, retry "
            "it; if it is, leave this one as it is.";
        doc = needsChecking(std::move(doc), kCheckResendLimit, message, session_.id, now_);
        tx_.documents().save(doc);
        event(domain::EventLevel::Error, upperFirst(docLabel(doc)) + " needs checking: " + message);
        return {};
    }
    std::string note = " is not in QuickBooks: queued to be sent.";
    if (doc.attempts > 0) {
        doc.resends += 1;
        note = " is not in QuickBooks: queued to be sent again (" + std::to_string(doc.resends) + " of at most " +
               std::to_string(options_.maxResends) + " times).";
    }
    doc = requeue(std::move(doc), 0, "", session_.id, now_);
    tx_.documents().save(doc);
    event(domain::EventLevel::Info, upperFirst(docLabel(doc)) + note);
    idle_ = true;
    return {};
}

Applier::UsedNames Applier::usedNames(const domain::Document& doc) {
    const Payload payload = cache_.payload(doc.payload);
    const CurrencyPlan plan = planCurrency(company_, doc, payload.transferTo);
    UsedNames used;
    used.customer = !payload.sentCustomer.empty() ? payload.sentCustomer : normalizeName(ListKind::Customer, plan.customer);
    used.account = !payload.sentAccount.empty() ? payload.sentAccount : normalizeName(ListKind::Account, plan.clearingAccount);
    used.transferTo = !payload.sentTransferTo.empty() ? payload.sentTransferTo
                                                      : normalizeName(ListKind::Account, plan.transferAccount);
    return used;
}

void Applier::forgetReferences(const domain::Document& doc, std::string_view message) {
    if (message.find("reference to QuickBooks SalesTaxCode") != std::string_view::npos) {
        store::QbEditionRepo(tx_.database()).forgetTaxCodes(company_.id);  // read the list again before posting
    }
    if (auto ref = referenceInMessage(message)) {
        tx_.lists().forget(company_.id, ref->first, ref->second);
        return;
    }
    // Cannot tell which one: every reference of the document is checked again next time.
    const UsedNames used = usedNames(doc);
    tx_.lists().forget(company_.id, ListKind::Customer, used.customer);
    tx_.lists().forget(company_.id, ListKind::Account, used.account);
    if (!used.transferTo.empty()) tx_.lists().forget(company_.id, ListKind::Account, used.transferTo);
    if (doc.kind == DocKind::Receipt || doc.kind == DocKind::CreditMemo) {
        if (!tx_.settlements().summary(doc.settlementRow)) return;
        const Payload payload = cache_.payload(doc.payload);
        for (const auto& name : cache_.summary(tx_, doc.settlementRow)->items(payload.externalKey).names) {
            tx_.lists().forget(company_.id, ListKind::Item, name);
        }
    }
}

ResponseOutcome Applier::applyAdd(const qbxml::Response& rs) {
    auto found = session_.pendingDocumentId ? tx_.documents().find(*session_.pendingDocumentId) : std::nullopt;
    if (!found || found->state != DocState::Sent) return {};
    domain::Document doc = *found;
    const auto cls = qbxml::classifyStatus(rs.statusCode, rs.statusMessage);
    const qbxml::TxnRet* ret = rs.txn();
    if (cls.kind == qbxml::StatusClass::ok || cls.kind == qbxml::StatusClass::warning) {
        if (const std::string why = unmatchedAnswer(doc, ret); !why.empty()) {
            // QuickBooks answered, but the answer does not show the document: it stays `sent` and is looked up before
            // anything else — and, having been answered, it is never sent again.
            doc.addAnswer = answerWords(rs);
            doc.qbStatusCode = rs.statusCode;
            doc.qbStatusMessage = rs.statusMessage;
            doc.lastError = "QuickBooks accepted it but " + why + "; Settlebridge looks it up in QuickBooks and does not "
                            "send it again.";
            doc.lastSessionId = session_.id;
            doc.updatedAt = now_;
            tx_.documents().save(doc);
            event(domain::EventLevel::Warning, upperFirst(docLabel(doc)) + ": QuickBooks answered its add (" +
                                                  doc.addAnswer + ") but " + why + "; it is looked up, never sent again.");
            idle_ = true;
            return {};
        }
        return settle(std::move(doc), *ret, rs,
                      " was posted (TxnID " + ret->txnId + ") but QuickBooks recorded a total of ",
                      ": QuickBooks added its own sales tax or applied a price level. Correct or delete it in "
                      "QuickBooks, check the customer's tax and price level settings, then retry it in Settlebridge.",
                      " was posted (TxnID " + ret->txnId + ", total " + common::formatCents(doc.expectedTotal) +
                          ").");
    }
    QbResult result{"", "", std::nullopt, rs.statusCode, rs.statusMessage};
    switch (cls.kind) {
        case qbxml::StatusClass::retryLater: {
            const std::string key = std::to_string(doc.id);
            auto lockMark = mark(kMarkLock, key);
            const int tries = lockMark ? std::stoi(lockMark->status) + 1 : 1;
            setMark(kMarkLock, key, std::to_string(tries), cls.explanation);
            Timestamp after = now_ + options_.lockRetrySeconds;
            std::string note = cls.explanation + " Settlebridge tries again shortly.";
            if (tries >= options_.maxLockRetriesPerSession) {
                after = now_ + options_.lockDeferSeconds;
                note = cls.explanation + " Settlebridge tries again at the next Web Connector run.";
                setMark(kMarkDocument, key, kSkipped, note);
            }
            doc = requeue(std::move(doc), after, note, session_.id, now_);
            doc.qbStatusCode = rs.statusCode;
            doc.qbStatusMessage = rs.statusMessage;
            tx_.documents().save(doc);
            event(domain::EventLevel::Warning, upperFirst(docLabel(doc)) + ": " + note);
            return {};
        }
        case qbxml::StatusClass::closedPeriod: {
            const std::string message = cls.explanation + " Change the closing date in QuickBooks, then approve it again.";
            doc = hold(std::move(doc), "closed-period", message, now_);
            doc.qbStatusCode = rs.statusCode;
            doc.qbStatusMessage = rs.statusMessage;
            doc.verifyFirst = false;  // QuickBooks refused it: nothing landed
            doc.lastSessionId = session_.id;
            tx_.documents().save(doc);
            event(domain::EventLevel::Warning, upperFirst(docLabel(doc)) + " held: " + message);
            return {};
        }
        case qbxml::StatusClass::invalidReference: {
            forgetReferences(doc, rs.statusMessage);
            const std::string message = cls.explanation +
                                        (doc.autoRetries < options_.maxAutoRetries
                                             ? " Settlebridge checks it again at the next Web Connector run."
                                             : "");
            doc = markFailed(std::move(doc), result, message, session_.id, now_);
            tx_.documents().save(doc);
            event(domain::EventLevel::Error, upperFirst(docLabel(doc)) + " failed: " + message);
            return {};
        }
        default: {
            doc = markFailed(std::move(doc), result, cls.explanation, session_.id, now_);
            tx_.documents().save(doc);
            event(domain::EventLevel::Error, upperFirst(docLabel(doc)) + " failed: " + cls.explanation);
            return {};
        }
    }
}

ResponseOutcome Applier::applyTaxCodes(const qbxml::Response& rs) {
    const auto cls = qbxml::classifyStatus(rs.statusCode, rs.statusMessage);
    if (cls.kind != qbxml::StatusClass::ok && cls.kind != qbxml::StatusClass::warning) {
        setMark(kMarkTaxCodes, "company", kFailed, cls.explanation);
        event(domain::EventLevel::Warning, "QuickBooks refused to list its sales tax codes: " + cls.explanation);
        return {};
    }
    std::vector<store::SalesTaxCode> codes;
    for (const auto& ret : rs.lists) {
        if (ret.name.empty() || !ret.isActive) continue;
        codes.push_back(store::SalesTaxCode{ret.name, ret.isTaxable, ret.description});
    }
    store::QbEditionRepo(tx_.database()).replaceTaxCodes(company_.id, codes, now_);
    setMark(kMarkTaxCodes, "company", kRead, "");
    return {};
}

ResponseOutcome Applier::applyRates(const qbxml::Response& rs) {
    const std::vector<std::string> codes = splitLines(session_.pendingNames);
    const auto cls = qbxml::classifyStatus(rs.statusCode, rs.statusMessage);
    if (cls.kind != qbxml::StatusClass::ok && cls.kind != qbxml::StatusClass::warning) {
        for (const auto& code : codes) setMark(kMarkRate, code, kFailed, cls.explanation);
        event(domain::EventLevel::Warning, "QuickBooks refused to list its exchange rates: " + cls.explanation);
        return {};
    }
    store::QbEditionRepo repo(tx_.database());
    std::set<std::string> seen;
    for (const auto& ret : rs.lists) {
        std::string iso = common::asciiUpper(ret.currencyCode);
        if (iso.empty()) {
            if (auto known = qbxml::isoOfQuickBooksCurrency(ret.name)) iso = std::string(*known);
        }
        if (iso.empty() || std::find(codes.begin(), codes.end(), iso) == codes.end()) continue;
        store::CurrencyRate rate{iso, canonicalRate(ret.exchangeRate).value_or(""), ret.asOfDate, now_};
        repo.rememberRate(company_.id, rate);
        seen.insert(iso);
    }
    for (const auto& code : codes) {
        if (seen.count(code) == 0) repo.rememberRate(company_.id, store::CurrencyRate{code, "", "", now_});
        setMark(kMarkRate, code, kRead, "");
    }
    return {};
}

bool isRecheckable(const domain::Document& d, const PlannerOptions& options) {
    return d.state == DocState::Failed && d.qbStatusCode &&
           qbxml::classifyStatus(*d.qbStatusCode, d.qbStatusMessage).kind == qbxml::StatusClass::invalidReference &&
           d.autoRetries < options.maxAutoRetries;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------------

SessionStartResult Planner::start(store::Tx& tx, domain::WcSession& session, const SessionStartInput& input,
                                  Timestamp now) const {
    auto company = tx.companies().find(session.companyId);
    if (!company) throw store::StoreError("the session's company no longer exists");
    SessionStartResult result;
    session.companyFileName = input.companyFileName;

    std::optional<qbxml::ResponseSet> hcp;
    if (!input.hcpResponse.empty()) {
        try {
            hcp = qbxml::parseResponse(input.hcpResponse);
        } catch (const qbxml::ResponseError& e) {
            tx.events().add(now, company->id, domain::EventLevel::Warning,
                            std::string("The Web Connector's host/company/preferences answer could not be read: ") +
                                e.what());
        }
    }
    const qbxml::Response* host = hcp ? hcp->findType("HostQueryRs") : nullptr;
    const qbxml::Response* comp = hcp ? hcp->findType("CompanyQueryRs") : nullptr;
    const qbxml::Response* prefs = hcp ? hcp->findType("PreferencesQueryRs") : nullptr;

    std::vector<std::string> supported;
    std::string editionCountry = input.qbxmlCountry;
    if (host != nullptr && host->host) {
        supported = host->host->supportedVersions;
        if (!host->host->productName.empty()) company->qbProduct = host->host->productName;
        if (!host->host->country.empty()) editionCountry = host->host->country;
    }
    const qbxml::VersionChoice choice = qbxml::chooseVersion(input.qbxmlMajor, input.qbxmlMinor, supported);
    if (!choice.accepted) {
        result.accepted = false;
        result.message = choice.message;
    }

    if (result.accepted && comp != nullptr && comp->company && !company->ownerId.empty() && !company->fileId.empty()) {
        for (const auto& ext : comp->company->dataExt) {
            if (ext.name != "FileID" || !qbxml::sameGuid(ext.ownerId, company->ownerId)) continue;
            if (!qbxml::sameGuid(ext.value, company->fileId)) {
                result.accepted = false;
                result.message = "QuickBooks has the company file \"" + input.companyFileName +
                                 "\" open, but the Web Connector user \"" + company->name +
                                 "\" was set up for another company file (FileID " + company->fileId + ", this file has " +
                                 ext.value + "). Open the right company file, or add this file with its own .qwc.";
            }
        }
    }

    if (!editionCountry.empty()) {
        store::QbEditionRepo(tx.database()).setCountry(company->id, common::asciiUpper(editionCountry));
    }
    if (prefs != nullptr && prefs->preferences) {
        applyPreferenceInfo(*company, *prefs->preferences, editionCountry);
        session.preferencesRead = true;
    } else {
        learnEditionCurrency(*company, editionCountry);
    }

    if (result.accepted) {
        session.qbxmlVersion = choice.version.text();
        company->qbxmlVersion = session.qbxmlVersion;
        for (auto doc : tx.documents().list(company->id, DocState::Failed)) {
            if (!isRecheckable(doc, options_)) continue;
            doc = retry(std::move(doc), now);
            doc.verifyFirst = false;  // QuickBooks refused the add: nothing landed
            doc.autoRetries += 1;
            doc.lastSessionId = session.id;
            tx.documents().save(doc);
        }
    } else {
        session.refused = true;
        session.lastError = result.message;
        tx.events().add(now, company->id, domain::EventLevel::Error, result.message);
    }
    tx.companies().update(*company, now);
    tx.sessions().update(session);
    return result;
}

std::optional<Request> Planner::next(store::Tx& tx, domain::WcSession& session, Timestamp now) const {
    if (session.pendingKind != PendingKind::None) {
        interrupt(tx, session, "the Web Connector asked for the next request before answering the last one", false,
                  now);
    }
    Pass pass(options_, *cache_, tx, session, now, false);
    return pass.run();
}

ResponseOutcome Planner::apply(store::Tx& tx, domain::WcSession& session, std::string_view response,
                               Timestamp now) const {
    Applier applier(options_, *cache_, tx, session, now);
    return applier.apply(response);
}

void Planner::interrupt(store::Tx& tx, domain::WcSession& session, std::string_view why, bool notProcessed,
                        Timestamp now) const {
    if (session.pendingKind == PendingKind::None) return;
    const std::vector<std::string> names = splitLines(session.pendingNames);
    switch (session.pendingKind) {
        case PendingKind::AccountAdd:
        case PendingKind::CustomerAdd:
        case PendingKind::ItemAdd: {
            // The add may have landed: query the name again instead of adding it again.
            const std::string_view kind = session.pendingKind == PendingKind::AccountAdd    ? "account"
                                          : session.pendingKind == PendingKind::CustomerAdd ? "customer"
                                                                                             : "item";
            for (const auto& name : names) {
                tx.sessions().setMark(session.id, SessionMark{std::string(kind), name, std::string(kRequery), ""});
            }
            break;
        }
        case PendingKind::DocumentAdd:
            if (notProcessed && session.pendingDocumentId) {
                if (auto doc = tx.documents().find(*session.pendingDocumentId); doc && doc->state == DocState::Sent) {
                    const std::string message = "QuickBooks could not process the request (" + std::string(why) + ").";
                    *doc = markFailed(std::move(*doc), QbResult{}, message, session.id, now);
                    tx.documents().save(*doc);
                    tx.events().add(now, session.companyId, domain::EventLevel::Error,
                                    upperFirst(docLabel(*doc)) + " failed: " + message);
                }
            }
            // Otherwise it stays `sent`: looked up by its RefNumber before it is ever sent again.
            break;
        default: break;  // queries and lookups are simply asked again
    }
    tx.events().add(now, session.companyId, domain::EventLevel::Warning,
                    "The answer to request " + session.pendingRequestId + " (" +
                        std::string(domain::toString(session.pendingKind)) + ") never came: " + std::string(why) + ".");
    session.pendingKind = PendingKind::None;
    session.pendingRequestId.clear();
    session.pendingDocumentId.reset();
    session.pendingNames.clear();
    tx.sessions().update(session);
}

bool Planner::stalled(const domain::WcSession& session) const noexcept {
    return session.idleRequests >= options_.maxIdleRequests;
}

std::string Planner::stalledMessage() const {
    return "Settlebridge ended this session: QuickBooks' last " + std::to_string(options_.maxIdleRequests) +
           " answers moved nothing forward (the event log has them). Nothing is lost; the next Web Connector run "
           "carries on";
}

int Planner::progress(store::Tx& tx, const domain::WcSession& session, Timestamp now, bool* waiting) const {
    if (waiting != nullptr) *waiting = false;
    if (session.refused || stalled(session)) return 100;
    domain::WcSession copy = session;
    Pass pass(options_, *cache_, tx, copy, now, true);
    bool more = pass.run().has_value();
    if (!more) {
        // Nothing left to send: what the dry pass only noted (documents to hold before anything is sent, documents
        // waiting with a reason) is written now, since the Web Connector asks for no further request.
        domain::WcSession settleCopy = session;
        Pass settle(options_, *cache_, tx, settleCopy, now, false);
        (void)settle.run();
    }
    int remaining = 0;
    bool soon = false;
    for (const auto& d : tx.documents().listIn(session.companyId, {DocState::Queued, DocState::Sent})) {
        auto m = tx.sessions().mark(session.id, kMarkDocument, std::to_string(d.id));
        if (m && m->status == kSkipped) continue;
        ++remaining;
        if (d.state == DocState::Queued && d.retryAfter > now && d.retryAfter - now <= options_.lockRetrySeconds) {
            soon = true;
        }
    }
    if (!more && soon) {
        more = true;
        if (waiting != nullptr) *waiting = true;
    }
    if (!more) return 100;
    const int done = session.responsesReceived;
    const int percent = done * 100 / (done + remaining + 1);
    return std::clamp(percent, 1, 99);
}

PendingWork Planner::pendingWork(store::Tx& tx, std::int64_t companyId, Timestamp now) const {
    PendingWork work;
    for (const auto& d : tx.documents().listIn(companyId, {DocState::Sent, DocState::Queued, DocState::Failed})) {
        switch (d.state) {
            case DocState::Sent: ++work.documents; break;
            case DocState::Queued:
                if (d.verifyFirst) {
                    ++work.documents;
                } else if (d.retryAfter > now) {
                    work.nextAt = work.nextAt ? std::min(*work.nextAt, d.retryAfter) : d.retryAfter;
                } else if (d.kind == DocKind::RefundPayment) {
                    auto memo = d.dependsOn ? tx.documents().find(*d.dependsOn) : std::nullopt;
                    if (memo && memo->state == DocState::Posted) ++work.documents;
                } else {
                    ++work.documents;
                }
                break;
            case DocState::Failed:
                if (isRecheckable(d, options_)) ++work.documents;
                break;
            default: break;
        }
    }
    return work;
}

SessionReport Planner::report(store::Tx& tx, const domain::WcSession& session) const {
    SessionReport r;
    for (const auto& d : tx.documents().touchedBySession(session.id)) {
        switch (d.state) {
            case DocState::Posted:
                if (d.postedAt < session.createdAt) break;
                ++r.posted;
                if (d.kind == DocKind::Receipt) ++r.receipts;
                if (d.kind == DocKind::CreditMemo) ++r.creditMemos;
                if (d.kind == DocKind::RefundPayment) ++r.refunds;
                if (d.kind == DocKind::Transfer) ++r.transfers;
                break;
            case DocState::Failed: {
                std::string line = docLabel(d);
                if (!d.checkReason.empty()) {
                    r.checking.push_back(line + ": " + d.lastError);
                    break;
                }
                if (!d.qbTxnId.empty()) {
                    line += " (in QuickBooks as " + d.qbTxnId + ", needs checking)";  // e.g. a total mismatch
                } else if (d.qbStatusCode && *d.qbStatusCode != 0) {
                    line += " (QuickBooks " + std::to_string(*d.qbStatusCode) + ")";
                }
                line += ": " + (d.lastError.empty() ? d.qbStatusMessage : d.lastError);
                r.failed.push_back(line);
                break;
            }
            case DocState::Held:
                if (d.holdReason == "closed-period" || d.holdReason == kHoldCurrency || d.holdReason == kHoldItemType ||
                    d.holdReason == kHoldAccountType || d.holdReason == kHoldNameInUse || d.holdReason == kHoldTaxCode ||
                    d.holdReason == kHoldExchangeRate) {
                    r.held.push_back(docLabel(d) + ": " + d.lastError);
                }
                break;
            default: break;
        }
    }
    for (const auto& m : tx.sessions().marks(session.id)) {
        if (m.status != kFailed) continue;
        r.blocked.push_back(upperFirst(m.kind) + " \"" + m.name + "\": " + m.message);
    }
    r.notice = session.notice;
    if (stalled(session)) r.stopped = stalledMessage();
    return r;
}

std::string SessionReport::text() const {
    auto plural = [](int n, const char* one, const char* many) {
        return std::to_string(n) + " " + (n == 1 ? one : many);
    };
    std::string out;
    if (posted == 0) {
        out = "Nothing was posted";
    } else {
        out = "Posted " + plural(posted, "document", "documents") + " (";
        std::vector<std::string> parts;
        if (receipts > 0) parts.push_back(plural(receipts, "sales receipt", "sales receipts"));
        if (creditMemos > 0) parts.push_back(plural(creditMemos, "credit memo", "credit memos"));
        if (refunds > 0) parts.push_back(plural(refunds, "refund payment", "refund payments"));
        if (transfers > 0) parts.push_back(plural(transfers, "transfer", "transfers"));
        for (std::size_t i = 0; i < parts.size(); ++i) {
            if (i > 0) out += ", ";
            out += parts[i];
        }
        out += ")";
    }
    auto list = [&out](const std::vector<std::string>& lines, const std::string& head) {
        if (lines.empty()) return;
        out += "; " + head + ": ";
        const std::size_t shown = std::min<std::size_t>(lines.size(), 3);
        for (std::size_t i = 0; i < shown; ++i) {
            if (i > 0) out += " | ";
            out += lines[i];
        }
        if (lines.size() > shown) out += " | and " + std::to_string(lines.size() - shown) + " more";
    };
    list(failed, std::to_string(failed.size()) + " failed");
    list(checking, std::to_string(checking.size()) + " needs checking in QuickBooks");
    list(held, std::to_string(held.size()) + " held");
    list(blocked, "waiting for");
    out += ".";
    if (!stopped.empty()) out += " " + stopped + ".";
    if (!notice.empty()) out = notice + " " + out;
    return out;
}

}  // namespace settlebridge::posting
