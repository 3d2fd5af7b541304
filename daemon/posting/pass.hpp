#pragma once
// One planning pass over a Web Connector session: the next request to send (Planner::next, Planner::progress).

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "daemon/posting/currency.hpp"
#include "daemon/posting/decode_cache.hpp"
#include "daemon/posting/document_builder.hpp"
#include "daemon/posting/planner.hpp"
#include "daemon/posting/planner_support.hpp"
#include "daemon/posting/rendering.hpp"
#include "daemon/posting/state_machine.hpp"
#include "daemon/settlement/categories.hpp"
#include "daemon/store/qb_edition.hpp"
#include "daemon/store/store.hpp"
#include "qbxml/render.hpp"
#include "qbxml/rules.hpp"

namespace settlebridge::posting::detail {

/// What Settlebridge creates for an item that QuickBooks lacks.
struct ItemPlan {
    bool sku = false;            // SKU item → ItemNonInventoryAdd; else ItemOtherChargeAdd (a sub-item: its parent's type)
    std::string description;
    std::string account;         // normalized account full name
    std::string accountType;
    std::string expenseAccount;  // set for items that sell through an income account (SalesAndPurchase)
};

/// What a document needs from QuickBooks' lists in a multicurrency company file: a customer or bank account in this
/// currency (QuickBooks' name), created with a CurrencyRef when `foreign`.
struct CurrencyNeed {
    std::string quickBooksName;
    bool foreign = false;
};

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
        tx_.events().add(now_, company_.id, domain::EventLevel::Error,
                         upperFirst(docLabel(d)) + " failed: " + explanation);
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
    /// settlement's exchange rate (a TransferAdd carries none), or the move back of a returned foreign payout, a
    /// DepositAdd of funds in its currency into the home-currency carried-balance account (QuickBooks transfers
    /// only within one currency; docs/POSTING.md, "Exchange rates").
    bool depositForm(const domain::Document& d, const CurrencyPlan& plan) {
        if (d.kind != DocKind::Transfer || !plan.foreign) return false;
        const std::string& type = payloads_[d.id].type;
        return type == kPayloadTransfer || type == kPayloadReturned;
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

}  // namespace settlebridge::posting::detail
