#include "daemon/posting/queue.hpp"

#include "daemon/common/text.hpp"
#include "daemon/posting/currency.hpp"
#include "daemon/posting/document_builder.hpp"
#include "daemon/posting/exchange_rate.hpp"
#include "daemon/posting/state_machine.hpp"
#include "daemon/settlement/categories.hpp"
#include "daemon/store/crypto.hpp"
#include "daemon/store/qb_edition.hpp"
#include "daemon/store/summary_codec.hpp"
#include "qbxml/currency.hpp"

namespace settlebridge::posting {

namespace {

domain::Company requireCompany(store::Tx& tx, std::string_view name) {
    auto company = tx.companies().findByName(name);
    if (!company) throw QueueError("no company named \"" + std::string(name) + "\"");
    return *company;
}

}  // namespace

std::string_view toString(ImportResult::Outcome outcome) {
    switch (outcome) {
        case ImportResult::Outcome::Imported: return "imported";
        case ImportResult::Outcome::AlreadyImported: return "already-imported";
        case ImportResult::Outcome::Replaced: return "replaced";
        case ImportResult::Outcome::Conflict: return "conflict";
    }
    return "?";
}

ImportResult Queue::importSummary(std::string_view companyName, std::string_view rawReport,
                                  std::string_view sourceName, settlement::Summary summary, domain::Timestamp now) {
    const std::string hash = store::sha256Hex(rawReport);
    return store_.write([&](store::Tx& tx) {
        const domain::Company company = requireCompany(tx, companyName);
        ImportResult result;
        result.settlementId = summary.header.settlementId;

        if (auto existing = tx.settlements().findByHash(company.id, hash)) {
            result.settlementRow = existing->id;
            if (existing->state == domain::SettlementState::Conflict) {
                result.outcome = ImportResult::Outcome::Conflict;
                result.message = "This report was imported before and conflicts with settlement " +
                                 existing->settlementId + " already imported: nothing queued.";
            } else {
                result.outcome = ImportResult::Outcome::AlreadyImported;
                result.message = "Settlement " + existing->settlementId + " was already imported: nothing changed.";
                for (const auto& d : tx.documents().forSettlement(existing->id)) {
                    ++result.documents;
                    if (d.state == domain::DocState::Held) ++result.held;
                    if (d.state == domain::DocState::Queued) ++result.queued;
                    if (d.state == domain::DocState::Failed) ++result.failed;
                }
            }
            return result;
        }

        domain::SettlementRecord record;
        record.companyId = company.id;
        record.settlementId = summary.header.settlementId;
        record.reportHash = hash;
        record.sourceName = std::string(sourceName);
        record.importedAt = now;

        std::optional<domain::SettlementRecord> replaced;
        if (auto active = tx.settlements().findActive(company.id, summary.header.settlementId)) {
            bool anySent = false;
            for (const auto& d : tx.documents().forSettlement(active->id)) {
                if (d.state == domain::DocState::Sent || d.state == domain::DocState::Posted || d.attempts > 0 ||
                    d.sentAt > 0 || !d.qbTxnId.empty()) {
                    anySent = true;
                }
            }
            const auto previous = tx.settlements().summary(active->id);
            std::string difference;
            if (previous) {
                difference = " The earlier report's deposit was " + common::formatCents(previous->deposit) + " " +
                             previous->currency + "; this one's is " + common::formatCents(summary.header.totalAmount) +
                             " " + summary.header.currency + " (difference " +
                             common::formatCents(summary.header.totalAmount - previous->deposit) + ").";
            }
            if (anySent) {
                record.state = domain::SettlementState::Conflict;
                record.note = "Amazon re-issued settlement " + summary.header.settlementId + " (" + std::string(sourceName) +
                              ") after the earlier report (" + active->sourceName +
                              ") was sent to QuickBooks: kept for review, nothing queued, nothing posted twice." +
                              difference;
                record = tx.settlements().insert(record, rawReport);
                tx.events().add(now, company.id, domain::EventLevel::Warning, record.note);
                result.outcome = ImportResult::Outcome::Conflict;
                result.settlementRow = record.id;
                result.message = record.note;
                return result;
            }
            tx.documents().removeUnsent(active->id);
            tx.settlements().retire(active->id,
                                    "Replaced by a re-issued report (" + std::string(sourceName) +
                                        ") before anything was posted." + difference,
                                    std::nullopt);
            replaced = active;
            replaced->note = difference;
        }

        record = tx.settlements().insert(record, rawReport);
        result.settlementRow = record.id;
        if (replaced) {
            tx.settlements().retire(replaced->id,
                                    "Replaced by a re-issued report (" + std::string(sourceName) +
                                        ") before anything was posted." + replaced->note,
                                    record.id);
        }

        if (summary.customerName.empty()) summary.customerName = company.customerName;
        for (auto& doc : summary.documents) {
            for (auto& line : doc.lines) {
                if (line.sku.empty() || line.category != settlement::kProductCategory) continue;
                line.item = tx.skuItems().resolve(company.id, line.sku, line.item, now).itemName;
            }
        }

        domain::SummaryRecord stored;
        stored.settlementRow = record.id;
        stored.mappingVersion = summary.mappingVersion;
        stored.reconciled = summary.reconciled;
        stored.difference = summary.difference;
        stored.deposit = summary.header.totalAmount;
        stored.currency = summary.header.currency;
        stored.summaryJson = store::encodeSummary(summary);
        stored.createdAt = now;
        tx.settlements().saveSummary(stored);

        std::vector<PlannedDocument> planned = buildDocuments(summary, company, record.id, now);
        std::vector<std::int64_t> ids;
        for (auto& p : planned) {
            if (p.dependsOnIndex) p.document.dependsOn = ids.at(*p.dependsOnIndex);
            ids.push_back(tx.documents().insert(p.document));
            ++result.documents;
            switch (p.document.state) {
                case domain::DocState::Held: ++result.held; break;
                case domain::DocState::Queued: ++result.queued; break;
                case domain::DocState::Failed: ++result.failed; break;
                default: break;
            }
        }
        result.outcome = replaced ? ImportResult::Outcome::Replaced : ImportResult::Outcome::Imported;
        result.message = "Settlement " + summary.header.settlementId + (replaced ? " re-issued and replaced: " : " imported: ") +
                         common::plural(result.documents, "document", "documents") + " (" + std::to_string(result.queued) +
                         " queued, " + std::to_string(result.held) + " held, " + std::to_string(result.failed) +
                         " failed).";
        tx.events().add(now, company.id, result.failed > 0 ? domain::EventLevel::Warning : domain::EventLevel::Info,
                        result.message);
        return result;
    });
}

int Queue::approve(std::string_view companyName, std::string_view settlementId, domain::Timestamp now) {
    return approve(companyName, settlementId, Approval{}, now).queued;
}

Queue::ApproveResult Queue::approve(std::string_view companyName, std::string_view settlementId,
                                    const Approval& approval, domain::Timestamp now) {
    return store_.write([&](store::Tx& tx) {
        const domain::Company company = requireCompany(tx, companyName);
        auto record = tx.settlements().findActive(company.id, settlementId);
        if (!record) throw QueueError("no settlement " + std::string(settlementId) + " for " + company.name);
        ApproveResult result;
        store::QbEditionRepo rates(tx.database());
        if (!approval.exchangeRate.empty()) {
            const auto rate = canonicalRate(approval.exchangeRate);
            if (!rate) {
                throw QueueError("exchange rate \"" + approval.exchangeRate +
                                 "\" is not a positive decimal such as 0.7312 (home currency per unit of the "
                                 "settlement's currency, at most 10 digits before and 10 after the point)");
            }
            const auto summary = tx.settlements().summary(record->id);
            const std::string currency = summary ? common::asciiUpper(summary->currency) : std::string();
            const std::string home = companyCurrency(company);
            if (!company.multiCurrency.value_or(false) || home.empty()) {
                throw QueueError("settlement " + std::string(settlementId) + " takes no exchange rate: the QuickBooks "
                                 "company file of " + company.name + " has multicurrency off (or Settlebridge has not "
                                 "read its preferences yet: run the Web Connector once)");
            }
            if (currency.empty() || common::equalsIgnoreCaseAscii(currency, home) ||
                qbxml::isCurrency(home, currency)) {
                throw QueueError("settlement " + std::string(settlementId) + " is in " +
                                 (currency.empty() ? std::string("the home currency") : currency) +
                                 ", the company file's home currency: it takes no exchange rate");
            }
            const auto frozen = rates.settlementRate(record->id);
            bool sent = false;
            for (const auto& doc : tx.documents().forSettlement(record->id)) {
                sent = sent || doc.state == domain::DocState::Sent || doc.state == domain::DocState::Posted ||
                       doc.attempts > 0;
            }
            if (sent && frozen && frozen->rate != *rate) {
                throw QueueError("settlement " + std::string(settlementId) + " already has documents in QuickBooks at " +
                                 describeRate(*frozen) + "; every document of a settlement carries that one rate, so "
                                 "it cannot change now");
            }
            store::SettlementRate stated;
            stated.settlementRow = record->id;
            stated.currency = currency;
            stated.homeCurrency = home;
            stated.rate = *rate;
            stated.source = "override";
            stated.setAt = now;
            stated.setBy = approval.approvedBy;
            rates.freezeRate(stated);
            tx.events().add(now, company.id, domain::EventLevel::Info,
                            "Settlement " + std::string(settlementId) + ": exchange rate " + describeRate(stated) +
                                ", frozen for every document of the settlement.");
        }
        if (auto frozen = rates.settlementRate(record->id)) result.rate = describeRate(*frozen);
        int moved = 0;
        for (auto doc : tx.documents().forSettlement(record->id)) {
            if (doc.state != domain::DocState::Held) continue;
            tx.documents().save(posting::approve(doc, now));
            ++moved;
        }
        if (moved > 0) {
            tx.events().add(now, company.id, domain::EventLevel::Info,
                            "Settlement " + std::string(settlementId) + " approved: " +
                                common::plural(moved, "document", "documents") + " queued.");
        }
        result.queued = moved;
        return result;
    });
}

domain::Document Queue::retry(std::int64_t documentId, domain::Timestamp now) {
    return store_.write([&](store::Tx& tx) {
        auto doc = tx.documents().find(documentId);
        if (!doc) throw QueueError("no document " + std::to_string(documentId));
        if (doc->state != domain::DocState::Failed) {
            throw QueueError("document " + std::to_string(documentId) + " is " +
                             std::string(domain::toString(doc->state)) +
                             ", not failed: only failed documents are retried");
        }
        domain::Document retried = posting::retry(*doc, now);
        tx.documents().save(retried);
        tx.events().add(now, doc->companyId, domain::EventLevel::Info,
                        "Document " + (doc->refNumber.empty() ? doc->externalKey : doc->refNumber) +
                            " queued again" + (retried.verifyFirst ? " (QuickBooks is checked for it first)." : "."));
        return retried;
    });
}

QueueStatus Queue::status(std::string_view companyName) {
    return store_.read([&](store::Tx& tx) {
        const domain::Company company = requireCompany(tx, companyName);
        QueueStatus status;
        status.company = company.name;
        status.counts = tx.documents().countByState(company.id);
        for (auto& d : tx.documents().list(company.id, domain::DocState::Held)) {
            status.attention.push_back(std::move(d));
        }
        for (auto& d : tx.documents().list(company.id, domain::DocState::Failed)) {
            status.attention.push_back(std::move(d));
        }
        return status;
    });
}

std::vector<domain::Document> Queue::documents(std::string_view companyName, std::optional<domain::DocState> state) {
    return store_.read([&](store::Tx& tx) {
        const domain::Company company = requireCompany(tx, companyName);
        return tx.documents().list(company.id, state);
    });
}

}  // namespace settlebridge::posting
