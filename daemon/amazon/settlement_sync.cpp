#include "daemon/amazon/settlement_sync.hpp"

#include <algorithm>
#include <optional>
#include <sstream>

#include "daemon/amazon/errors.hpp"
#include "daemon/common/text.hpp"
#include "daemon/posting/queue.hpp"
#include "daemon/settlement/mapping.hpp"
#include "daemon/store/admin_company_options.hpp"
#include "daemon/store/crypto.hpp"
#include "daemon/store/work_leases.hpp"
#include "daemon/settlement/model.hpp"
#include "daemon/settlement/summarizer.hpp"
#include "daemon/settlement/timezone.hpp"

namespace settlebridge::amazon {

namespace {

store::ReportOutcome outcomeOf(posting::ImportResult::Outcome outcome) {
    switch (outcome) {
        case posting::ImportResult::Outcome::Imported: return store::ReportOutcome::Imported;
        case posting::ImportResult::Outcome::AlreadyImported: return store::ReportOutcome::Unchanged;
        case posting::ImportResult::Outcome::Replaced: return store::ReportOutcome::Replaced;
        case posting::ImportResult::Outcome::Conflict: return store::ReportOutcome::Conflict;
    }
    return store::ReportOutcome::Failed;
}

std::string describe(const ConnectionSyncReport& r) {
    std::string text;
    auto add = [&](int n, const char* one, const char* many) {
        if (n == 0) return;
        if (!text.empty()) text += ", ";
        text += common::plural(n, one, many);
    };
    add(r.imported, "new settlement", "new settlements");
    add(r.replaced, "re-issued settlement replaced", "re-issued settlements replaced");
    add(r.conflicts, "re-issue kept for review", "re-issues kept for review");
    add(r.failed, "report that could not be read (kept)", "reports that could not be read (kept)");
    add(r.unchanged, "report already imported", "reports already imported");
    if (text.empty()) text = "no new settlement reports";
    return text + " (" + common::plural(r.listed, "report", "reports") + " in the download window)";
}

}  // namespace

int SettlementSyncReport::imported() const {
    int n = 0;
    for (const auto& c : connections) n += c.imported + c.replaced;
    return n;
}

int SettlementSyncReport::errors() const {
    int n = 0;
    for (const auto& c : connections) n += c.ok ? 0 : 1;
    return n;
}

SettlementSync::SettlementSync(store::Store& store, const store::SecretBox& box, SettlementSyncOptions options)
    : store_(store), box_(box), options_(std::move(options)), holder_("sync-" + store::toHex(store::randomBytes(8))) {}

std::string SettlementSync::leaseName(std::int64_t connectionId) {
    return "amazon_connection:" + std::to_string(connectionId);
}

SettlementSyncReport SettlementSync::runDue(store::Timestamp now, std::stop_token stop) {
    const auto due = store_.read([&](store::Tx& tx) {
        std::vector<std::int64_t> ids;
        for (const auto& c : store::AmazonConnections(tx.database()).list()) {
            if (!c.enabled || !c.hasRefreshToken) continue;
            if (c.syncRequested || c.nextSyncAt <= now) ids.push_back(c.id);
        }
        return ids;
    });
    SettlementSyncReport report;
    for (const std::int64_t id : due) {
        if (stop.stop_requested()) break;
        // Another daemon on the same database may have synced it since the list was read, or be syncing it now.
        if (auto r = sync(id, now, stop, true); r && !r->skippedForAnotherDaemon) report.connections.push_back(*r);
    }
    return report;
}

ConnectionSyncReport SettlementSync::syncConnection(std::int64_t connectionId, store::Timestamp now,
                                                    std::stop_token stop) {
    return *sync(connectionId, now, stop, false);
}

std::optional<ConnectionSyncReport> SettlementSync::sync(std::int64_t connectionId, store::Timestamp now,
                                                         std::stop_token stop, bool onlyIfDue) {
    ConnectionSyncReport r;
    r.connectionId = connectionId;
    store::Company company;
    store::CompanyOptions companyOptions;
    const std::string lease = leaseName(connectionId);
    const store::Timestamp leaseSeconds = std::chrono::duration_cast<std::chrono::seconds>(options_.lease).count();
    const std::optional<store::AmazonConnection> claimed = store_.write([&](store::Tx& tx)
                                                                            -> std::optional<store::AmazonConnection> {
        store::AmazonConnections repo(tx.database());
        auto c = repo.find(connectionId);
        if (!c) throw AccountError("no Amazon connection " + std::to_string(connectionId));
        if (onlyIfDue && !c->syncRequested && c->nextSyncAt > now) return std::nullopt;
        if (!store::WorkLeases(tx.database()).claim(lease, holder_, now, now + leaseSeconds)) {
            r.skippedForAnotherDaemon = true;
            return std::nullopt;
        }
        company = *tx.companies().find(c->companyId);
        companyOptions = store::CompanyOptionsRepo(tx.database()).get(c->companyId);
        c->syncState = store::SyncState::Syncing;
        c->syncMessage = "syncing settlement reports";
        c->syncRequested = false;
        c->lastSyncAt = now;
        repo.update(*c, now);
        return *c;
    });
    if (!claimed) {
        if (!r.skippedForAnotherDaemon) return std::nullopt;
        r.ok = true;
        r.message = "another Settlebridge daemon is syncing this connection now; skipped";
        return r;
    }
    const store::AmazonConnection& connection = *claimed;
    r.company = company.name;
    r.connection = connection.name;

    bool stopped = false;
    bool takenOver = false;
    net::Clock& clock = options_.clock != nullptr ? *options_.clock : net::SystemClock::instance();
    const net::Clock::Steady started = clock.now();
    // Before each download the lease is renewed for `lease` from that moment; false when another daemon has taken
    // the sync over (this one ran past its lease, e.g. a machine suspended mid-sync).
    const auto renewLease = [&] {
        const store::Timestamp at =
            now + std::chrono::duration_cast<std::chrono::seconds>(clock.now() - started).count();
        return store_.write([&](store::Tx& tx) {
            return store::WorkLeases(tx.database()).claim(lease, holder_, at, at + leaseSeconds);
        });
    };
    try {
        Accounts accounts(store_, box_, options_.accounts);
        ConnectionAccess access = accounts.access(connectionId);
        access.lwa.stop = stop;
        access.spApi.stop = stop;
        const LwaClient lwa(access.lwa);
        AccessTokenProvider tokens(lwa, access.refreshToken);
        ReportsClient client(access.spApi, tokens);

        const net::Clock::Wall since = net::Clock::Wall{std::chrono::seconds{now}} -
                                  std::chrono::hours{24 * connection.downloadWindowDays};
        std::vector<ReportInfo> listed = client.listSettlementReports(since);
        r.listed = static_cast<int>(listed.size());
        // Oldest first, so a re-issue is seen after the report it corrects.
        std::stable_sort(listed.begin(), listed.end(), [](const ReportInfo& a, const ReportInfo& b) {
            return a.createdUtc != b.createdUtc ? a.createdUtc < b.createdUtc : a.reportId < b.reportId;
        });

        settlement::SummarizeOptions summarize;
        summarize.splitMonths = options_.splitMonths || companyOptions.splitMonths;
        summarize.taxRegistered = companyOptions.taxRegistered;
        std::optional<settlement::Mapping> mapping;
        if (!companyOptions.mappingText.empty()) {
            mapping = settlement::Mapping::parse(companyOptions.mappingText,
                                                 company.name + " mapping (revision " +
                                                     std::to_string(companyOptions.mappingRevision) + ")");
            summarize.mapping = &*mapping;
        }
        summarize.timeZone = company.timeZone;
        summarize.customerName = company.customerName;
        posting::Queue queue(store_);

        for (const ReportInfo& info : listed) {
            if (stop.stop_requested()) {
                stopped = true;
                break;
            }
            // A report that could not be read (cut short, damaged) is downloaded again at every sync until a
            // download reads; any other report seen before is not downloaded again.
            const std::optional<store::AmazonReport> seen = store_.read([&](store::Tx& tx) {
                return store::AmazonConnections(tx.database()).findReport(connectionId, info.reportId);
            });
            if (seen && seen->outcome != store::ReportOutcome::Failed) {
                ++r.skipped;
                continue;
            }
            if (!renewLease()) {
                takenOver = true;
                break;
            }
            const DownloadedReport document = client.downloadDocument(info.reportDocumentId);
            store::AmazonReport record;
            record.connectionId = connectionId;
            record.reportId = info.reportId;
            record.reportDocumentId = info.reportDocumentId;
            record.createdTime = info.createdTime;
            record.dataStartTime = info.dataStartTime;
            record.dataEndTime = info.dataEndTime;
            record.seenAt = now;
            const std::string sourceName = "Amazon report " + info.reportId;
            std::optional<settlement::Summary> summary;
            try {
                std::istringstream in(document.bytes);
                summary = settlement::summarizeStream(in, sourceName, summarize);
            } catch (const settlement::ParseError& e) {
                record.message = e.what();
            } catch (const settlement::SummarizeError& e) {
                record.message = e.what();
            } catch (const settlement::TimeZoneError& e) {
                record.message = e.what();
            }
            if (!summary) {
                record.outcome = store::ReportOutcome::Failed;
                ++r.failed;
                store_.write([&](store::Tx& tx) {
                    store::AmazonConnections(tx.database()).saveReport(record, std::string_view(document.bytes));
                    if (!seen || seen->message != record.message) {  // said once, not at every retry
                        tx.events().add(now, company.id, store::EventLevel::Error,
                                        "Amazon report " + info.reportId + " (connection \"" + connection.name +
                                            "\") could not be read and was kept for inspection; it is downloaded "
                                            "again at the next sync: " + record.message);
                    }
                });
                continue;
            }
            record.settlementId = summary->header.settlementId;
            record.marketplace = summary->marketplaceName;
            const posting::ImportResult imported =
                queue.importSummary(company.name, document.bytes, sourceName, std::move(*summary), now);
            record.outcome = outcomeOf(imported.outcome);
            record.settlementRow = imported.settlementRow;
            record.message = imported.message;
            switch (record.outcome) {
                case store::ReportOutcome::Imported: ++r.imported; break;
                case store::ReportOutcome::Unchanged: ++r.unchanged; break;
                case store::ReportOutcome::Replaced: ++r.replaced; break;
                case store::ReportOutcome::Conflict: ++r.conflicts; break;
                case store::ReportOutcome::Failed: ++r.failed; break;
            }
            store_.write([&](store::Tx& tx) { store::AmazonConnections(tx.database()).saveReport(record, std::nullopt); });
        }

        const auto rotated = tokens.rotatedRefreshToken();
        if (takenOver) {
            // The connection is the other daemon's now: its row and the lease are left to it.
            r.ok = true;
            r.skippedForAnotherDaemon = true;
            r.message = "this sync ran past its lease (" + std::to_string(leaseSeconds / 60) +
                        " min) and another Settlebridge daemon took it over; stopped here after " + describe(r) +
                        ", the other daemon goes on";
            store_.write([&](store::Tx& tx) {
                if (rotated) store::AmazonConnections(tx.database()).setSecrets(connectionId, box_, *rotated, std::nullopt, now);
                tx.events().add(now, company.id, store::EventLevel::Warning,
                                "Amazon sync of \"" + connection.name + "\": " + r.message);
            });
            return r;
        }
        r.ok = true;
        r.message = stopped ? "stopped by shutdown; the rest comes at the next sync" : describe(r);
        store_.write([&](store::Tx& tx) {
            store::AmazonConnections repo(tx.database());
            auto c = *repo.find(connectionId);
            if (rotated) repo.setSecrets(connectionId, box_, *rotated, std::nullopt, now);
            c.syncState = store::SyncState::Ok;
            c.syncMessage = r.message;
            c.lastSuccessAt = now;
            c.nextSyncAt = stopped ? now : now + static_cast<store::Timestamp>(c.syncEveryMinutes) * 60;
            repo.update(c, now);
            store::WorkLeases(tx.database()).release(lease, holder_);
            if (r.imported + r.replaced + r.conflicts + r.failed > 0) {
                tx.events().add(now, company.id, r.failed + r.conflicts > 0 ? store::EventLevel::Warning : store::EventLevel::Info,
                                "Amazon sync of \"" + connection.name + "\": " + r.message);
            }
        });
        return r;
    } catch (const CancelledError&) {
        r.ok = true;
        r.message = "stopped by shutdown; the rest comes at the next sync";
    } catch (const std::exception& e) {
        r.ok = false;
        r.message = e.what();
    }
    store_.write([&](store::Tx& tx) {
        store::WorkLeases(tx.database()).release(lease, holder_);
        store::AmazonConnections repo(tx.database());
        auto c = repo.find(connectionId);
        if (!c) return;
        if (r.ok) {
            c->syncState = store::SyncState::Idle;
            c->nextSyncAt = now;
        } else {
            c->syncState = store::SyncState::Error;
            const store::Timestamp retry = std::min<store::Timestamp>(
                static_cast<store::Timestamp>(c->syncEveryMinutes) * 60,
                std::chrono::duration_cast<std::chrono::seconds>(options_.retryAfterError).count());
            c->nextSyncAt = now + retry;
            tx.events().add(now, company.id, store::EventLevel::Error,
                            "Amazon sync of \"" + connection.name + "\" failed: " + r.message);
        }
        c->syncMessage = r.message;
        repo.update(*c, now);
    });
    return r;
}

}  // namespace settlebridge::amazon
