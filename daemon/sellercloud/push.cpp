#include "daemon/sellercloud/push.hpp"

#include <Poco/Logger.h>

#include <algorithm>
#include <cstdio>
#include <set>
#include <utility>

#include "daemon/common/text.hpp"
#include "daemon/sellercloud/errors.hpp"
#include "daemon/sellercloud/linker.hpp"
#include "daemon/sellercloud/sink.hpp"
#include "daemon/common/datetime.hpp"
#include "daemon/settlement/timezone.hpp"
#include "daemon/store/ad_spend.hpp"
#include "daemon/store/ads_accounts.hpp"
#include "daemon/store/crypto.hpp"
#include "daemon/store/sellercloud_products.hpp"
#include "daemon/store/work_leases.hpp"

namespace settlebridge::sellercloud {

namespace {

using store::RecordStatus;
using store::SendKind;
using store::SendStatus;

Poco::Logger& logger() { return Poco::Logger::get("settlebridge.sellercloud"); }

/// The widest window a send reads (the 30-day column) and the longest manual send.
constexpr int kWindowDays = 30;
constexpr int kMaxSendDays = 95;

std::string addDays(const std::string& date, std::int64_t days) {
    // Only YYYY-MM-DD (the store's form); common::parseDate also reads DD.MM.YYYY and surrounding blanks.
    const auto parsed = date.size() == 10 && date[4] == '-' ? common::parseDate(date) : std::nullopt;
    if (!parsed) throw SellercloudError(SellercloudError::Kind::Config, 0, "", "not a date: \"" + date + "\"");
    return common::formatDate(common::civilFromDays(common::daysFromCivil(*parsed) + days));
}

struct ProfileInfo {
    std::int64_t row = 0;
    std::string label;
    std::string currency;
    std::string timeZone;
};

ProfileInfo profileInfo(store::Database& db, std::int64_t row) {
    store::AdsProfiles profiles(db);
    const auto p = profiles.find(row);
    if (!p) return {row, "profile #" + std::to_string(row), "", "UTC"};
    return {row, p->label(), p->info.currencyCode, p->info.timeZone.empty() ? "UTC" : p->info.timeZone};
}

/// The profile's local yesterday and the local hour at `now`.
struct LocalDay {
    std::string yesterday;
    unsigned hour = 0;
    store::Timestamp nextDayStart = 0;  // the first instant of the local day after today
};

LocalDay localDay(const std::string& zoneName, const std::string& zoneInfoDir, store::Timestamp now) {
    settlement::TimeZone zone = settlement::TimeZone::utc();
    try {
        zone = settlement::TimeZone::load(zoneName, zoneInfoDir);
    } catch (const settlement::TimeZoneError& e) {
        logger().warning("time zone %s: %s; using UTC", zoneName, std::string(e.what()));
    }
    const common::CivilDateTime local = zone.toLocal(now);
    const auto today = common::daysFromCivil(local.date);
    LocalDay out;
    out.yesterday = common::formatDate(common::civilFromDays(today - 1));
    out.hour = local.hour;
    out.nextDayStart = zone.startOfLocalDay(common::civilFromDays(today + 1));
    return out;
}

std::string describe(const WrittenValues& values) {
    std::string out;
    for (const auto& [column, value] : values) {
        if (!out.empty()) out += "; ";
        out += column + "=" + (value.empty() ? "(empty)" : value);
    }
    return out;
}

}  // namespace

struct SellercloudPush::Plan {
    std::int64_t scCompanyId = 0;
    std::string scCompanyName;
    std::vector<store::SellercloudMapping> mappings;
    SendKind kind = SendKind::Daily;
    std::string fromDate;
    std::string toDate;
    store::Timestamp nextDayStart = 0;
};

struct SellercloudPush::CachedClient {
    std::string fingerprint;
    std::unique_ptr<Client> client;
};

SellercloudPush::SellercloudPush(store::Store& store, const store::SecretBox& box, PushOptions options,
                                 net::Clock& clock)
    : store_(store),
      box_(box),
      options_(std::move(options)),
      clock_(clock),
      holder_("sellercloud-" + store::toHex(store::randomBytes(8))) {}

std::string SellercloudPush::leaseName(std::int64_t connectionId) {
    return "sellercloud_connection:" + std::to_string(connectionId);
}

bool SellercloudPush::claim(std::int64_t connectionId, store::Timestamp now) {
    return store_.write([&](store::Tx& tx) {
        return store::WorkLeases(tx.database())
            .claim(leaseName(connectionId), holder_, now, now + static_cast<store::Timestamp>(options_.lease.count()));
    });
}

void SellercloudPush::release(std::int64_t connectionId) {
    store_.write([&](store::Tx& tx) { store::WorkLeases(tx.database()).release(leaseName(connectionId), holder_); });
}

SellercloudPush::~SellercloudPush() = default;

HttpSettings SellercloudPush::transport(const std::stop_token& stop) const {
    HttpSettings t;
    t.http = options_.http;
    t.retry = options_.retry;
    t.stop = stop;
    t.jitter = options_.jitter;
    return t;
}

Endpoint SellercloudPush::endpointOf(const store::SellercloudConnection& c) const {
    Endpoint e;
    e.teamName = c.teamName;
    e.serverId = c.serverId;
    e.baseUrl = c.baseUrl;
    e.teamLookupUrl = options_.teamLookupUrl;
    e.baseUrlTemplate = options_.baseUrlTemplate;
    return e;
}

Client& SellercloudPush::clientFor(const store::SellercloudConnection& c, const std::stop_token& stop) {
    const std::string password = store_.read([&](store::Tx& tx) {
        return store::SellercloudConnections(tx.database()).password(c.id, box_);
    });
    const std::string fingerprint = c.teamName + '\n' + c.serverId + '\n' + c.baseUrl + '\n' + c.username + '\n' + password;
    auto& cached = clients_[c.id];
    if (cached && cached->fingerprint == fingerprint) {
        cached->client->setStop(stop);
        return *cached->client;
    }
    const ResolvedEndpoint resolved = resolveEndpoint(endpointOf(c), transport(stop), clock_);
    if (!resolved.serverId.empty() && resolved.serverId != c.serverId) {
        store_.write([&](store::Tx& tx) {
            store::SellercloudConnections connections(tx.database());
            if (auto fresh = connections.find(c.id)) {
                fresh->serverId = resolved.serverId;
                connections.update(*fresh, fresh->updatedAt);
            }
        });
    }
    ClientConfig config;
    config.baseUrl = resolved.restBase;
    config.username = c.username;
    config.password = password;
    config.transport = transport(stop);
    config.rate = options_.rate;
    auto entry = std::make_unique<CachedClient>();
    // The fingerprint keeps the server id the connection had, so a stored server id does not drop the cache.
    entry->fingerprint = fingerprint;
    entry->client = std::make_unique<Client>(config, clock_);
    cached = std::move(entry);
    return *cached->client;
}

std::vector<SellercloudPush::Plan> SellercloudPush::plansFor(const store::SellercloudConnection& c,
                                                             store::Timestamp now, bool force) {
    struct Group {
        std::vector<store::SellercloudMapping> mappings;
        std::string zone;
        std::string name;
    };
    std::map<std::int64_t, Group> groups;
    store_.read([&](store::Tx& tx) {
        for (auto& m : store::SellercloudMappings(tx.database()).list(c.id)) {
            if (!m.enabled) continue;
            Group& g = groups[m.scCompanyId];
            if (g.mappings.empty()) {
                g.zone = profileInfo(tx.database(), m.profileRow).timeZone;
                g.name = m.scCompanyName;
            }
            g.mappings.push_back(std::move(m));
        }
    });
    std::vector<Plan> plans;
    for (auto& [companyId, g] : groups) {
        const LocalDay day = localDay(g.zone, options_.zoneInfoDir, now);
        Plan plan;
        plan.scCompanyId = companyId;
        plan.scCompanyName = g.name;
        plan.toDate = day.yesterday;
        plan.nextDayStart = day.nextDayStart;
        int manual = 0;
        bool neverSent = false;
        std::string oldest;
        for (const auto& m : g.mappings) {
            manual = std::max(manual, m.requestedDays);
            if (m.lastSentDate.empty()) {
                neverSent = true;
            } else if (oldest.empty() || m.lastSentDate < oldest) {
                oldest = m.lastSentDate;
            }
        }
        if (manual > 0) {
            plan.kind = SendKind::Manual;
            plan.fromDate = addDays(day.yesterday, -(std::min(manual, kMaxSendDays) - 1));
        } else {
            const bool behind = neverSent || oldest < day.yesterday;
            if (!force && !(behind && static_cast<int>(day.hour) >= c.sendHour)) continue;
            plan.kind = SendKind::Daily;
            plan.fromDate = (neverSent || !behind) ? day.yesterday : addDays(oldest, 1);
            const std::string earliest = addDays(day.yesterday, -(kMaxSendDays - 1));
            if (plan.fromDate < earliest) plan.fromDate = earliest;
        }
        plan.mappings = std::move(g.mappings);
        plans.push_back(std::move(plan));
    }
    return plans;
}

PushRunReport SellercloudPush::runDue(store::Timestamp now, std::stop_token stop) {
    PushRunReport report;
    const auto connections = store_.read([](store::Tx& tx) { return store::SellercloudConnections(tx.database()).list(); });
    for (const auto& c : connections) {
        if (stop.stop_requested()) break;
        if (!c.enabled || !c.hasPassword) continue;
        std::vector<Plan> plans;
        try {
            plans = plansFor(c, now, c.syncRequested);
        } catch (const std::exception& e) {
            report.errors.push_back(e.what());
            continue;
        }
        if (plans.empty()) {
            if (c.syncRequested) {
                store_.write([&](store::Tx& tx) { store::SellercloudConnections(tx.database()).requestSync(c.id, false, now); });
            }
            continue;
        }
        const bool manual = std::any_of(plans.begin(), plans.end(), [](const Plan& p) { return p.kind == SendKind::Manual; });
        if (c.syncState == store::SyncState::Error && now < c.nextSyncAt && !c.syncRequested && !manual) continue;
        // Several daemons on one database: one of them sends a connection at a time.
        if (!claim(c.id, now)) {
            ++report.skippedForAnotherDaemon;
            continue;
        }
        try {
            runClaimed(c.id, now, stop, report);
        } catch (...) {
            release(c.id);
            throw;
        }
        release(c.id);
    }
    return report;
}

void SellercloudPush::runClaimed(std::int64_t connectionId, store::Timestamp now, const std::stop_token& stop,
                                 PushRunReport& report) {
    const auto c = store_.read([&](store::Tx& tx) { return store::SellercloudConnections(tx.database()).find(connectionId); });
    if (!c || !c->enabled || !c->hasPassword) return;
    std::vector<Plan> plans;
    try {
        plans = plansFor(*c, now, c->syncRequested);
    } catch (const std::exception& e) {
        report.errors.push_back(e.what());
        return;
    }
    if (plans.empty()) {
        // Another daemon sent it since the list was read (or the request has nothing to send).
        if (c->syncRequested) {
            store_.write([&](store::Tx& tx) { store::SellercloudConnections(tx.database()).requestSync(c->id, false, now); });
        }
        return;
    }
    const bool manual = std::any_of(plans.begin(), plans.end(), [](const Plan& p) { return p.kind == SendKind::Manual; });
    if (c->syncState == store::SyncState::Error && now < c->nextSyncAt && !c->syncRequested && !manual) return;
    PushRunReport one = runPlans(*c, plans, now, stop);
    for (auto& s : one.sends) report.sends.push_back(std::move(s));
    for (auto& e : one.errors) report.errors.push_back(std::move(e));
    report.connectionsFailed += one.connectionsFailed;
}

PushRunReport SellercloudPush::runConnection(std::int64_t connectionId, store::Timestamp now, std::stop_token stop) {
    const auto c = store_.read([&](store::Tx& tx) { return store::SellercloudConnections(tx.database()).find(connectionId); });
    if (!c) throw SellercloudError(SellercloudError::Kind::Config, 0, "", "no Sellercloud connection " + std::to_string(connectionId));
    if (!claim(connectionId, now)) {
        PushRunReport report;
        report.skippedForAnotherDaemon = 1;
        report.errors.push_back("another Settlebridge daemon is sending Sellercloud connection \"" + c->teamName +
                                "\" now; try again when it is done");
        return report;
    }
    PushRunReport report;
    try {
        report = runPlans(*c, plansFor(*c, now, true), now, stop);
    } catch (...) {
        release(connectionId);
        throw;
    }
    release(connectionId);
    return report;
}

PushRunReport SellercloudPush::runPlans(const store::SellercloudConnection& c, const std::vector<Plan>& plans,
                                        store::Timestamp now, const std::stop_token& stop) {
    PushRunReport report;
    store_.write([&](store::Tx& tx) {
        store::SellercloudConnections(tx.database()).setSyncState(c.id, store::SyncState::Syncing, "sending", now);
    });
    std::string failure;
    store::Timestamp nextDay = 0;
    const net::Clock::Steady started = clock_.now();
    for (const Plan& plan : plans) {
        if (stop.stop_requested()) break;
        // The lease is renewed before each company's send; a daemon that hung past it lost the connection to
        // another one, and stops here.
        const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(clock_.now() - started).count();
        if (!claim(c.id, now + static_cast<store::Timestamp>(elapsed))) {
            failure = "another Settlebridge daemon took this connection over (this one held it past its lease)";
            break;
        }
        SendResult result = send(c, plan, now, stop);
        if (result.status == SendStatus::Failed) failure = result.message;
        nextDay = nextDay == 0 ? plan.nextDayStart : std::min(nextDay, plan.nextDayStart);
        report.sends.push_back(std::move(result));
    }
    int written = 0;
    int unmatched = 0;
    for (const auto& s : report.sends) {
        written += s.written;
        unmatched += s.unmatched;
    }
    store_.write([&](store::Tx& tx) {
        store::SellercloudConnections connections(tx.database());
        if (!failure.empty()) {
            ++report.connectionsFailed;
            connections.setSyncState(c.id, store::SyncState::Error, failure, now,
                                     now + static_cast<store::Timestamp>(options_.retryAfterError.count()));
        } else {
            const std::string summary = common::plural(static_cast<int>(report.sends.size()), "send", "sends") + ", " +
                                        common::plural(written, "product written", "products written") +
                                        (unmatched > 0 ? ", " + common::plural(unmatched, "SKU unmatched", "SKUs unmatched") : "");
            connections.setSyncState(c.id, store::SyncState::Ok, summary, now,
                                     nextDay + static_cast<store::Timestamp>(c.sendHour) * 3600, true);
        }
        connections.requestSync(c.id, false, now);
    });
    return report;
}

/// One send's working state: what it read, what it found and wrote, what it logs.
struct SellercloudPush::Sending {
    struct SkuFigures {
        std::string sku;  // the advertised SKU ("" for rows without one)
        std::string key;  // the SKU, or "asin:<ASIN>" for rows without one (links are cached under it)
        std::string asin;
        common::Cents day = 0, d7 = 0, d30 = 0, s30 = 0, rangeCost = 0, rangeSales = 0;
        std::int64_t rangePurchases = 0;
    };
    struct ProductWork {
        ProductFigures figures;
        std::vector<std::size_t> recordIndexes;
    };
    SendResult result;
    store::SellercloudSend log;
    // Read in one snapshot.
    std::map<std::string, SkuFigures> skus;
    std::map<std::string, store::SellercloudLink> links;
    std::vector<store::SellercloudWritten> previously;
    std::set<std::string> currencies;
    // Found and written.
    std::map<std::string, ProductWork> products;
    std::vector<store::SellercloudSendRecord> records;
    std::vector<store::SellercloudLink> newLinks;
    std::vector<std::string> droppedLinks;
    std::vector<store::SellercloudWritten> writtenNow;
    std::vector<std::string> clearedNow;
    std::string abortMessage;
};

SendResult SellercloudPush::send(const store::SellercloudConnection& c, const Plan& plan, store::Timestamp now,
                                 const std::stop_token& stop) {
    Sending s;
    startSend(c, plan, now, s);

    if (s.currencies.size() > 1) {
        s.abortMessage = "the profiles mapped to this Sellercloud company use different currencies (" + s.log.currency +
                         "): map each currency to its own company";
        return finishSend(c, plan, now, s);
    }
    const std::string currency = s.currencies.empty() ? std::string() : *s.currencies.begin();

    Client* client = nullptr;
    std::vector<LinkRule> rules;
    try {
        client = &clientFor(c, stop);
        rules = parseLinkRules(c.linkRules);
    } catch (const SellercloudError& e) {
        s.abortMessage = e.what();
        return finishSend(c, plan, now, s);
    } catch (const store::SecretError& e) {
        s.abortMessage = std::string("the Sellercloud password cannot be opened: ") + e.what();
        return finishSend(c, plan, now, s);
    }
    CustomColumnsSink sink(*client, c.columns);
    Linker linker(*client, rules, plan.scCompanyId);

    linkSkus(plan, linker, currency, now, stop, s);
    writeProducts(sink, now, stop, s);
    clearUnadvertised(sink, s);
    return finishSend(c, plan, now, s);
}

void SellercloudPush::startSend(const store::SellercloudConnection& c, const Plan& plan, store::Timestamp now,
                                Sending& s) {
    SendResult& result = s.result;
    result.connectionId = c.id;
    result.scCompanyId = plan.scCompanyId;
    result.kind = plan.kind;
    result.fromDate = plan.fromDate;
    result.toDate = plan.toDate;

    // What the send carries, read in one snapshot.
    using SkuFigures = Sending::SkuFigures;
    store::SellercloudSend& log = s.log;
    log.connectionId = c.id;
    log.scCompanyId = plan.scCompanyId;
    log.scCompanyName = plan.scCompanyName;
    log.kind = plan.kind;
    log.fromDate = plan.fromDate;
    log.toDate = plan.toDate;
    log.startedAt = now;
    store_.write([&](store::Tx& tx) {
        store::AdSpend spend(tx.database());
        const std::string to = plan.toDate;
        for (const auto& m : plan.mappings) {
            const ProfileInfo info = profileInfo(tx.database(), m.profileRow);
            log.profileRows += (log.profileRows.empty() ? "" : ",") + std::to_string(m.profileRow);
            log.profiles += (log.profiles.empty() ? "" : ", ") + info.label;
            if (!info.currency.empty()) s.currencies.insert(info.currency);
            const auto products = m.effectiveAdProducts();
            if (products.empty()) continue;
            auto add = [&](const std::vector<store::SkuSpend>& rows, auto apply) {
                for (const auto& row : rows) {
                    const std::string key = row.sku.empty() ? "asin:" + row.asin : row.sku;
                    SkuFigures& f = s.skus[key];
                    f.key = key;
                    f.sku = row.sku;
                    if (f.asin.empty()) f.asin = row.asin;
                    apply(f, row);
                }
            };
            add(spend.bySku(m.profileRow, addDays(to, -(kWindowDays - 1)), to, products),
                [](SkuFigures& f, const store::SkuSpend& r) { f.d30 += r.cost; f.s30 += r.sales; });
            add(spend.bySku(m.profileRow, addDays(to, -6), to, products),
                [](SkuFigures& f, const store::SkuSpend& r) { f.d7 += r.cost; });
            add(spend.bySku(m.profileRow, to, to, products),
                [](SkuFigures& f, const store::SkuSpend& r) { f.day += r.cost; });
            add(spend.bySku(m.profileRow, plan.fromDate, to, products), [](SkuFigures& f, const store::SkuSpend& r) {
                f.rangeCost += r.cost;
                f.rangeSales += r.sales;
                f.rangePurchases += r.purchases;
            });
        }
        store::SellercloudProducts known(tx.database());
        for (auto& l : known.links(c.id, plan.scCompanyId)) s.links.emplace(l.sku, std::move(l));
        s.previously = known.written(c.id, plan.scCompanyId);
        for (const auto& cur : s.currencies) log.currency += (log.currency.empty() ? "" : ",") + cur;
        log.id = store::SellercloudSends(tx.database()).start(log);
    });
    result.sendId = log.id;
}

void SellercloudPush::linkSkus(const Plan& plan, Linker& linker, const std::string& currency, store::Timestamp now,
                               const std::stop_token& stop, Sending& s) {
    // Link each SKU (cached links first), then group by product.
    for (auto& [key, f] : s.skus) {
        store::SellercloudSendRecord r;
        r.sku = f.sku.empty() ? "" : f.sku;
        r.asin = f.asin;
        r.cost = f.rangeCost;
        r.sales = f.rangeSales;
        if (stop.stop_requested() && s.abortMessage.empty()) {
            s.abortMessage = "stopped (shutting down) before the send finished";
        }
        if (!s.abortMessage.empty()) {
            r.status = RecordStatus::Failed;
            r.error = "not sent: " + s.abortMessage;
            s.records.push_back(std::move(r));
            continue;
        }
        std::optional<store::SellercloudLink> link;
        if (auto it = s.links.find(key); it != s.links.end()) {
            link = it->second;
        } else {
            try {
                const LinkResult found = linker.find(f.sku, f.asin);
                if (found.outcome == LinkResult::Outcome::Linked) {
                    link = store::SellercloudLink{key, found.productId, std::string(toString(found.rule)), found.itemCost, now};
                    s.newLinks.push_back(*link);
                } else {
                    r.status = found.outcome == LinkResult::Outcome::Ambiguous ? RecordStatus::Ambiguous
                                                                               : RecordStatus::Unmatched;
                    r.error = found.detail;
                }
            } catch (const SellercloudError& e) {
                r.status = RecordStatus::Failed;
                r.error = e.what();
                if (e.stopsTheSend()) s.abortMessage = e.what();
            }
        }
        if (link) {
            r.productId = link->productId;
            r.rule = link->rule;
            r.itemCost = link->itemCost;
            if (link->itemCost) r.profit = f.rangeSales - f.rangeCost - *link->itemCost * f.rangePurchases;
            Sending::ProductWork& work = s.products[link->productId];
            work.figures.productId = link->productId;
            work.figures.asOfDate = plan.toDate;
            work.figures.currency = currency;
            work.figures.spendDay += f.day;
            work.figures.spend7d += f.d7;
            work.figures.spend30d += f.d30;
            work.figures.sales30d += f.s30;
            work.recordIndexes.push_back(s.records.size());
        }
        s.records.push_back(std::move(r));
    }
}

void SellercloudPush::writeProducts(CustomColumnsSink& sink, store::Timestamp now, const std::stop_token& stop,
                                    Sending& s) {
    for (auto& [productId, work] : s.products) {
        if (stop.stop_requested() && s.abortMessage.empty()) {
            s.abortMessage = "stopped (shutting down) before the send finished";
        }
        RecordStatus status = RecordStatus::Written;
        std::string error;
        std::string values;
        if (!s.abortMessage.empty()) {
            status = RecordStatus::Failed;
            error = "not sent: " + s.abortMessage;
        } else {
            try {
                values = describe(sink.write(work.figures));
                s.writtenNow.push_back({productId, sink.fields(), s.log.id, now});
            } catch (const SellercloudError& e) {
                status = RecordStatus::Failed;
                error = e.what();
                if (e.kind() == SellercloudError::Kind::NotFound) {
                    error = "product " + productId + " no longer exists in Sellercloud; it is linked again at the next send";
                    for (std::size_t i : work.recordIndexes) {
                        const auto& r = s.records[i];
                        s.droppedLinks.push_back(r.sku.empty() ? "asin:" + r.asin : r.sku);
                    }
                }
                if (e.stopsTheSend()) s.abortMessage = e.what();
            }
        }
        for (std::size_t i : work.recordIndexes) {
            s.records[i].status = status;
            s.records[i].error = error;
            s.records[i].valuesWritten = values;
        }
    }
}

void SellercloudPush::clearUnadvertised(CustomColumnsSink& sink, Sending& s) {
    // Products written before that no mapped profile advertises any more: clear them.
    for (const auto& w : s.previously) {
        if (s.products.count(w.productId) != 0) continue;
        store::SellercloudSendRecord r;
        r.productId = w.productId;
        if (!s.abortMessage.empty()) {
            r.status = RecordStatus::Failed;
            r.error = "not cleared: " + s.abortMessage;
            s.records.push_back(std::move(r));
            continue;
        }
        try {
            sink.clear(w.productId);
            r.status = RecordStatus::Cleared;
            r.valuesWritten = describe([&] {
                WrittenValues v;
                for (const auto& column : w.columns) v.emplace_back(column, "");
                return v;
            }());
            s.clearedNow.push_back(w.productId);
        } catch (const SellercloudError& e) {
            if (e.kind() == SellercloudError::Kind::NotFound) {
                r.status = RecordStatus::Cleared;  // nothing left to clear: the product is gone
                r.error = "the product no longer exists in Sellercloud";
                s.clearedNow.push_back(w.productId);
            } else {
                r.status = RecordStatus::Failed;
                r.error = e.what();
                if (e.stopsTheSend()) s.abortMessage = e.what();
            }
        }
        s.records.push_back(std::move(r));
    }
}

SendResult SellercloudPush::finishSend(const store::SellercloudConnection& c, const Plan& plan, store::Timestamp now,
                                       Sending& s) {
    SendResult& result = s.result;
    store::SellercloudSend& log = s.log;
    int seq = 0;
    for (auto& r : s.records) {
        r.seq = ++seq;
        switch (r.status) {
            case RecordStatus::Written: ++result.written; break;
            case RecordStatus::Unmatched:
            case RecordStatus::Ambiguous: ++result.unmatched; break;
            case RecordStatus::Failed: ++result.failed; break;
            case RecordStatus::Cleared: ++result.cleared; break;
        }
    }
    result.records = static_cast<int>(s.records.size());
    if (!s.abortMessage.empty()) {
        result.status = SendStatus::Failed;
        result.message = s.abortMessage;
    } else {
        result.status = (result.failed > 0 || result.unmatched > 0) ? SendStatus::Partial : SendStatus::Ok;
        result.message = common::plural(result.written, "SKU written", "SKUs written");
        if (result.unmatched > 0)
            result.message += ", " + common::plural(result.unmatched, "SKU unmatched", "SKUs unmatched");
        if (result.failed > 0)
            result.message += ", " + common::plural(result.failed, "record failed", "records failed");
        if (result.cleared > 0)
            result.message += ", " + common::plural(result.cleared, "product cleared", "products cleared");
    }
    log.status = result.status;
    log.records = result.records;
    log.written = result.written;
    log.unmatched = result.unmatched;
    log.failed = result.failed;
    log.message = result.message;
    log.finishedAt = now;
    store_.write([&](store::Tx& tx) {
        store::SellercloudProducts known(tx.database());
        for (const auto& l : s.newLinks) known.saveLink(c.id, plan.scCompanyId, l);
        for (const auto& sku : s.droppedLinks) known.dropLink(c.id, plan.scCompanyId, sku);
        for (const auto& w : s.writtenNow) known.markWritten(c.id, plan.scCompanyId, w);
        for (const auto& p : s.clearedNow) known.forgetWritten(c.id, plan.scCompanyId, p);
        store::SellercloudSends(tx.database()).finish(log, s.records);
        store::SellercloudMappings mappings(tx.database());
        if (result.status != SendStatus::Failed && plan.kind != SendKind::Clear) {
            for (const auto& m : plan.mappings) {
                const auto fresh = mappings.find(m.id);
                if (!fresh || fresh->lastSentDate < plan.toDate) mappings.setLastSentDate(m.id, plan.toDate, now);
                if (plan.kind == SendKind::Manual) mappings.requestDays(m.id, 0, now);
            }
        }
        const auto level = result.status == SendStatus::Failed    ? store::EventLevel::Error
                           : result.status == SendStatus::Partial ? store::EventLevel::Warning
                                                                  : store::EventLevel::Info;
        tx.events().add(
            now, c.companyId, level,
            "Sellercloud " + std::string(store::toString(plan.kind)) + " send to " +
                (plan.scCompanyName.empty() ? "company " + std::to_string(plan.scCompanyId) : plan.scCompanyName) +
                " (" + plan.fromDate + " to " + plan.toDate + "): " + result.message);
    });
    return result;
}

int SellercloudPush::requestSend(std::int64_t connectionId, std::optional<std::int64_t> profileRow,
                                 std::optional<std::string> channel, int days, store::Timestamp now) {
    if (days < 1 || days > kMaxSendDays) {
        throw SellercloudError(SellercloudError::Kind::Config, 0, "", "a manual send covers 1 to 95 days");
    }
    if (channel && *channel != "amazon" && *channel != "walmart") {
        throw SellercloudError(SellercloudError::Kind::Config, 0, "", "the channel is amazon or walmart");
    }
    return store_.write([&](store::Tx& tx) {
        store::SellercloudMappings mappings(tx.database());
        store::AdsAccounts accounts(tx.database());
        store::AdsProfiles profiles(tx.database());
        int asked = 0;
        for (const auto& m : mappings.list(connectionId)) {
            if (profileRow && m.profileRow != *profileRow) continue;
            if (channel) {
                const auto p = profiles.find(m.profileRow);
                const auto a = p ? accounts.find(p->accountId) : std::nullopt;
                const std::string ch = a && a->channel == store::AdsChannel::WalmartConnect ? "walmart" : "amazon";
                if (ch != *channel) continue;
            }
            mappings.requestDays(m.id, days, now);
            ++asked;
        }
        return asked;
    });
}

std::vector<Company> SellercloudPush::companies(std::int64_t connectionId, std::stop_token stop) {
    const auto c = store_.read([&](store::Tx& tx) { return store::SellercloudConnections(tx.database()).find(connectionId); });
    if (!c) throw SellercloudError(SellercloudError::Kind::Config, 0, "", "no Sellercloud connection " + std::to_string(connectionId));
    return clientFor(*c, stop).companies();
}

ConnectionCheck SellercloudPush::test(std::int64_t connectionId, store::Timestamp now) {
    const auto c = store_.read([&](store::Tx& tx) { return store::SellercloudConnections(tx.database()).find(connectionId); });
    if (!c) throw SellercloudError(SellercloudError::Kind::Config, 0, "", "no Sellercloud connection " + std::to_string(connectionId));
    ConnectionCheck check;
    try {
        const std::string password = store_.read([&](store::Tx& tx) {
            return store::SellercloudConnections(tx.database()).password(c->id, box_);
        });
        check = testConnection(endpointOf(*c), c->username, password, transport({}), clock_);
    } catch (const store::StoreError& e) {
        check.verdict = Verdict::BadCredentials;
        check.message = e.what();
    } catch (const store::SecretError& e) {
        check.verdict = Verdict::Failed;
        check.message = std::string("the Sellercloud password cannot be opened: ") + e.what();
    }
    store_.write([&](store::Tx& tx) {
        store::SellercloudConnections connections(tx.database());
        connections.setTestResult(c->id, verdictName(check.verdict), check.message, now);
        if (!check.serverId.empty() && check.serverId != c->serverId) {
            auto fresh = connections.find(c->id);
            fresh->serverId = check.serverId;
            connections.update(*fresh, now);
        }
        tx.events().add(now, c->companyId, check.verdict == Verdict::Ok ? store::EventLevel::Info : store::EventLevel::Warning,
                        "Sellercloud connection test: " + verdictName(check.verdict) + ": " + check.message);
    });
    return check;
}

MapResult SellercloudPush::map(const MapRequest& request, store::Timestamp now, std::stop_token stop) {
    using Kind = SellercloudError::Kind;
    struct Loaded {
        std::optional<store::SellercloudConnection> connection;
        std::optional<store::SellercloudMapping> existing;
        ProfileInfo profile;
        bool profileExists = false;
        std::vector<std::string> otherCurrencies;
    };
    Loaded l = store_.read([&](store::Tx& tx) {
        Loaded out;
        out.connection = store::SellercloudConnections(tx.database()).find(request.connectionId);
        store::SellercloudMappings mappings(tx.database());
        out.existing = mappings.findByProfile(request.profileRow);
        out.profileExists = store::AdsProfiles(tx.database()).find(request.profileRow).has_value();
        out.profile = profileInfo(tx.database(), request.profileRow);
        for (const auto& m : mappings.forCompany(request.connectionId, request.scCompanyId)) {
            if (m.profileRow == request.profileRow) continue;
            const ProfileInfo other = profileInfo(tx.database(), m.profileRow);
            if (!other.currency.empty()) out.otherCurrencies.push_back(other.currency);
        }
        return out;
    });
    if (!l.connection) throw SellercloudError(Kind::Config, 0, "", "no Sellercloud connection " + std::to_string(request.connectionId));
    if (!l.profileExists) throw SellercloudError(Kind::Config, 0, "", "no ads profile #" + std::to_string(request.profileRow));
    for (const auto& other : l.otherCurrencies) {
        if (!l.profile.currency.empty() && other != l.profile.currency) {
            throw SellercloudError(Kind::Config, 0, "",
                                   "Sellercloud company " + std::to_string(request.scCompanyId) + " already receives " +
                                       other + " spend from another profile; " + l.profile.label + " is in " +
                                       l.profile.currency + ": map it to a company of its own");
        }
    }
    // The company must be one Sellercloud lists.
    std::string companyName = request.scCompanyName;
    {
        const auto list = clientFor(*l.connection, stop).companies();
        const auto it = std::find_if(list.begin(), list.end(), [&](const Company& co) { return co.id == request.scCompanyId; });
        if (it == list.end()) {
            throw SellercloudError(Kind::Config, 0, "companies",
                                   "Sellercloud has no company with id " + std::to_string(request.scCompanyId) +
                                       " (see sellercloud companies)");
        }
        companyName = it->name;
    }

    store::SellercloudMapping wanted = l.existing.value_or(store::SellercloudMapping{});
    wanted.profileRow = request.profileRow;
    if (request.adProducts) wanted.adProducts = *request.adProducts;
    if (request.channels) wanted.channels = *request.channels;
    const bool sameCompany = l.existing && l.existing->connectionId == request.connectionId &&
                             l.existing->scCompanyId == request.scCompanyId;
    MapResult result;
    if (!l.existing || sameCompany) {
        wanted.connectionId = request.connectionId;
        wanted.scCompanyId = request.scCompanyId;
        wanted.scCompanyName = companyName;
        result.outcome = l.existing ? MapResult::Outcome::Updated : MapResult::Outcome::Mapped;
        result.mapping = store_.write([&](store::Tx& tx) { return store::SellercloudMappings(tx.database()).save(wanted, now); });
        result.message = l.profile.label + " sends to Sellercloud company " + companyName + " (" +
                         std::to_string(request.scCompanyId) + ")";
        return result;
    }

    // A remap. Did the profile send anything to the old company?
    const store::SellercloudMapping old = *l.existing;
    const bool sent = !old.lastSentDate.empty() || store_.read([&](store::Tx& tx) {
        return store::SellercloudSends(tx.database()).hasWritten(old.connectionId, old.scCompanyId, old.profileRow);
    });
    if (sent && !request.confirm) {
        result.outcome = MapResult::Outcome::NeedsConfirmation;
        result.mapping = old;
        result.message = l.profile.label + " already sent ad spend to Sellercloud company " + old.scCompanyName + " (" +
                         std::to_string(old.scCompanyId) + "). Sending it to " + companyName +
                         " as well may create duplicate data. Confirm the remap (--confirm) to clear what it wrote "
                         "to " + old.scCompanyName + "'s products first.";
        return result;
    }
    if (sent) {
        // Clear the old company's products of this profile's spend before the mapping changes.
        if (const auto cleared = clearProfile(old, l.profile.timeZone, now, stop)) {
            result.clearedProducts = cleared->cleared;
            if (cleared->status == SendStatus::Failed || cleared->failed > 0) {
                result.outcome = MapResult::Outcome::ClearFailed;
                result.mapping = old;
                result.message = "could not clear " + old.scCompanyName + "'s products (" + cleared->message +
                                 "); the profile still sends to " + old.scCompanyName + ": try again";
                return result;
            }
        }
    }
    wanted.connectionId = request.connectionId;
    wanted.scCompanyId = request.scCompanyId;
    wanted.scCompanyName = companyName;
    result.mapping = store_.write([&](store::Tx& tx) {
        store::SellercloudMappings mappings(tx.database());
        auto saved = mappings.save(wanted, now);
        store::SellercloudRemap remap;
        remap.profileRow = request.profileRow;
        remap.connectionId = request.connectionId;
        remap.fromCompanyId = old.scCompanyId;
        remap.fromCompanyName = old.scCompanyName;
        remap.toCompanyId = request.scCompanyId;
        remap.toCompanyName = companyName;
        remap.clearedProducts = result.clearedProducts;
        remap.at = now;
        mappings.addRemap(remap);
        tx.events().add(now, l.connection->companyId, store::EventLevel::Info,
                        l.profile.label + " remapped from Sellercloud company " + old.scCompanyName + " to " +
                            companyName + " (" + std::to_string(result.clearedProducts) + " products cleared)");
        return saved;
    });
    result.outcome = MapResult::Outcome::Remapped;
    result.message = l.profile.label + " now sends to Sellercloud company " + companyName + " (" +
                     std::to_string(request.scCompanyId) + "); " + std::to_string(result.clearedProducts) +
                     " products of " + old.scCompanyName + " were cleared";
    return result;
}

std::optional<SendResult> SellercloudPush::clearProfile(const store::SellercloudMapping& old, const std::string& timeZone,
                                                       store::Timestamp now, const std::stop_token& stop) {
    // Recompute the company's products from its other profiles (a product only this profile advertised is emptied).
    const auto connection = store_.read([&](store::Tx& tx) {
        return store::SellercloudConnections(tx.database()).find(old.connectionId);
    });
    if (!connection) return std::nullopt;
    Plan plan;
    plan.kind = SendKind::Clear;
    plan.scCompanyId = old.scCompanyId;
    plan.scCompanyName = old.scCompanyName;
    store_.read([&](store::Tx& tx) {
        for (auto& m : store::SellercloudMappings(tx.database()).forCompany(old.connectionId, old.scCompanyId)) {
            if (m.profileRow != old.profileRow && m.enabled) plan.mappings.push_back(std::move(m));
        }
    });
    const LocalDay day = localDay(timeZone, options_.zoneInfoDir, now);
    plan.toDate = old.lastSentDate.empty() ? day.yesterday : std::min(old.lastSentDate, day.yesterday);
    plan.fromDate = plan.toDate;
    return send(*connection, plan, now, stop);
}

UnmapResult SellercloudPush::unmap(std::int64_t profileRow, bool clear, store::Timestamp now, std::stop_token stop) {
    struct Loaded {
        std::optional<store::SellercloudMapping> mapping;
        ProfileInfo profile;
        bool sent = false;
    };
    const Loaded l = store_.read([&](store::Tx& tx) {
        Loaded out;
        out.mapping = store::SellercloudMappings(tx.database()).findByProfile(profileRow);
        out.profile = profileInfo(tx.database(), profileRow);
        if (out.mapping) {
            out.sent = !out.mapping->lastSentDate.empty() ||
                       store::SellercloudSends(tx.database())
                           .hasWritten(out.mapping->connectionId, out.mapping->scCompanyId, profileRow);
        }
        return out;
    });
    if (!l.mapping) {
        throw SellercloudError(SellercloudError::Kind::Config, 0, "",
                               l.profile.label + " is not mapped to a Sellercloud company");
    }
    const store::SellercloudMapping& old = *l.mapping;
    UnmapResult result;
    result.mapping = old;
    result.hadSent = l.sent;
    if (l.sent && clear) {
        if (const auto cleared = clearProfile(old, l.profile.timeZone, now, stop)) {
            result.clearedProducts = cleared->cleared;
            if (cleared->status == SendStatus::Failed || cleared->failed > 0) {
                result.outcome = UnmapResult::Outcome::ClearFailed;
                result.message = "could not clear what " + l.profile.label + " wrote to " + old.scCompanyName +
                                 "'s products (" + cleared->message + "); the mapping is kept: try again";
                return result;
            }
        }
    }
    store_.write([&](store::Tx& tx) { store::SellercloudMappings(tx.database()).remove(profileRow); });
    result.outcome = UnmapResult::Outcome::Deleted;
    result.message = l.profile.label + " no longer sends to Sellercloud company " + old.scCompanyName + " (" +
                     std::to_string(old.scCompanyId) + ")";
    if (l.sent && clear) {
        result.message += "; " + old.scCompanyName + "'s products were recomputed without its ad spend (" +
                          common::plural(result.clearedProducts, "product", "products") + " emptied)";
    } else if (l.sent) {
        result.message += "; the values it wrote stay in " + old.scCompanyName + "'s products";
    }
    return result;
}

}  // namespace settlebridge::sellercloud
