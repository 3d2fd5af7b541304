#include "daemon/posting/applier.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "daemon/posting/currency.hpp"
#include "daemon/posting/document_builder.hpp"
#include "daemon/posting/exchange_rate.hpp"
#include "daemon/posting/state_machine.hpp"
#include "daemon/posting/tax_codes.hpp"
#include "daemon/store/qb_edition.hpp"
#include "qbxml/currency.hpp"
#include "qbxml/guid.hpp"
#include "qbxml/render.hpp"
#include "qbxml/rules.hpp"
#include "qbxml/status.hpp"

namespace settlebridge::posting::detail {

namespace {

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

}  // namespace

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

}  // namespace settlebridge::posting::detail
