#include "daemon/posting/planner.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "daemon/common/text.hpp"
#include "daemon/posting/applier.hpp"
#include "daemon/posting/currency.hpp"
#include "daemon/posting/pass.hpp"
#include "daemon/posting/planner_support.hpp"
#include "daemon/posting/state_machine.hpp"
#include "daemon/store/qb_edition.hpp"
#include "qbxml/guid.hpp"
#include "qbxml/response.hpp"
#include "qbxml/status.hpp"
#include "qbxml/version.hpp"

namespace settlebridge::posting {

using namespace detail;

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
    std::string out;
    if (posted == 0) {
        out = "Nothing was posted";
    } else {
        out = "Posted " + common::plural(posted, "document", "documents") + " (";
        std::vector<std::string> parts;
        if (receipts > 0) parts.push_back(common::plural(receipts, "sales receipt", "sales receipts"));
        if (creditMemos > 0) parts.push_back(common::plural(creditMemos, "credit memo", "credit memos"));
        if (refunds > 0) parts.push_back(common::plural(refunds, "refund payment", "refund payments"));
        if (transfers > 0) parts.push_back(common::plural(transfers, "transfer", "transfers"));
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
