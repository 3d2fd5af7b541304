#include "daemon/ads/sync.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "daemon/ads/amazon_ads_client.hpp"
#include "daemon/ads/amazon_reports.hpp"
#include "daemon/ads/credentials.hpp"
#include "daemon/ads/errors.hpp"
#include "daemon/ads/walmart.hpp"
#include "daemon/amazon/errors.hpp"
#include "daemon/amazon/lwa.hpp"
#include "daemon/common/datetime.hpp"
#include "daemon/settlement/timezone.hpp"
#include "daemon/store/ad_spend.hpp"
#include "daemon/store/crypto.hpp"
#include "daemon/store/secrets.hpp"
#include "daemon/store/store.hpp"
#include "daemon/store/work_leases.hpp"

namespace settlebridge::ads {

namespace {

std::int64_t dayNumber(const std::string& date) {
    const auto d = common::parseDate(date);
    if (!d) throw AdsError(AdsError::Kind::Config, "not a date: " + date);
    return common::daysFromCivil(*d);
}

std::string dayText(std::int64_t day) { return common::formatDate(common::civilFromDays(day)); }

constexpr int kWalmartRetentionDays = 90;

/// A failure as one line for the sync state and the event log.
std::string describe(const std::exception& e) { return e.what(); }

bool authorizationFailure(const amazon::LwaError& e) {
    return e.kind() == amazon::LwaError::Kind::InvalidGrant || e.kind() == amazon::LwaError::Kind::InvalidClient;
}

}  // namespace

std::string addDays(const std::string& date, int days) { return dayText(dayNumber(date) + days); }

std::string profileToday(const std::string& timeZone, store::Timestamp now, const std::string& zoneInfoDir) {
    try {
        const auto zone = settlement::TimeZone::load(timeZone.empty() ? "UTC" : timeZone, zoneInfoDir);
        return common::formatDate(zone.localDate(now));
    } catch (const settlement::TimeZoneError&) {
        return common::formatDate(settlement::TimeZone::utc().localDate(now));
    }
}

AdsSync::AdsSync(store::Store& store, const store::SecretBox& box, AdsSyncOptions options)
    : store_(store), box_(box), options_(std::move(options)), holder_("ads-" + store::toHex(store::randomBytes(8))) {
    if (options_.maxDaysPerReport < 1 || options_.maxDaysPerReport > 31) options_.maxDaysPerReport = 31;
    if (options_.recentDays < 1) options_.recentDays = 1;
}

std::vector<AdsSync::Window> AdsSync::windows(Plan plan, const std::string& today, int days) const {
    std::vector<Window> out;
    switch (plan) {
        case Plan::Backfill:
        case Plan::LastDays:
            out.push_back({addDays(today, -(std::max(days, 1) - 1)), today});
            break;
        case Plan::Recent:
            out.push_back({addDays(today, -(options_.recentDays - 1)), today});
            break;
        case Plan::Restatement: {
            auto ws = options_.restatementWindows;
            std::sort(ws.begin(), ws.end(), [](auto a, auto b) { return a.second > b.second; });
            for (const auto& [nearest, farthest] : ws) {
                if (nearest < 0 || farthest < nearest) continue;
                out.push_back({addDays(today, -farthest), addDays(today, -nearest)});
            }
            break;
        }
    }
    return out;
}

bool AdsSync::due(const store::AdsProfile& p, store::Timestamp now) const {
    if (!p.enabled) return false;
    if (p.sync.requested) return true;
    if (p.sync.state == store::AdsSyncState::Error && now < p.sync.nextSyncAt) return false;
    if (p.backfill != store::BackfillState::Done) return true;
    if (now - p.lastRecentAt >= options_.recentInterval.count()) return true;
    if (now - p.lastRestatementAt >= options_.restatementInterval.count()) return true;
    return false;
}

std::string AdsSync::leaseName(std::int64_t accountId) { return "ads_account:" + std::to_string(accountId); }

bool AdsSync::claim(store::Tx& tx, std::int64_t accountId, store::Timestamp now) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(options_.reportTimeout) + options_.leaseMargin;
    return store::WorkLeases(tx.database())
        .claim(leaseName(accountId), holder_, now, now + static_cast<store::Timestamp>(seconds.count()));
}

bool AdsSync::claim(std::int64_t accountId, store::Timestamp now) {
    return store_.write([&](store::Tx& tx) { return claim(tx, accountId, now); });
}

void AdsSync::release(std::int64_t accountId) {
    store_.write([&](store::Tx& tx) { store::WorkLeases(tx.database()).release(leaseName(accountId), holder_); });
}

void AdsSync::runClaimedAccount(const store::AdsAccount& account, const std::vector<store::AdsProfile>& profiles,
                                store::Timestamp now, std::optional<int> forcedDays, std::stop_token stop,
                                AdsRunReport& report) {
    try {
        runAccount(account, profiles, now, forcedDays, stop, report);
    } catch (...) {
        release(account.id);
        throw;
    }
    release(account.id);
}

AdsRunReport AdsSync::runDue(store::Timestamp now, std::stop_token stop) {
    AdsRunReport report;
    const auto [accounts, profiles] = store_.read([](store::Tx& tx) {
        return std::make_pair(store::AdsAccounts(tx.database()).list(), store::AdsProfiles(tx.database()).list());
    });
    // An account's "sync now" asks for all of its enabled profiles.
    auto dueOf = [&](const store::AdsAccount& account, const std::vector<store::AdsProfile>& all) {
        std::vector<store::AdsProfile> out;
        for (const auto& p : all) {
            if (p.accountId == account.id && p.enabled && (account.sync.requested || due(p, now))) out.push_back(p);
        }
        return out;
    };
    for (const auto& listed : accounts) {
        if (stop.stop_requested()) {
            report.stopped = true;
            break;
        }
        if (dueOf(listed, profiles).empty()) continue;
        // Several daemons on one database: the account is claimed, and what is due is read again in the same
        // transaction (another daemon may have synced it since the list was read).
        bool held = false;
        const auto claimed = store_.write(
            [&](store::Tx& tx) -> std::optional<std::pair<store::AdsAccount, std::vector<store::AdsProfile>>> {
                auto account = store::AdsAccounts(tx.database()).find(listed.id);
                if (!account) return std::nullopt;
                auto dueProfiles = dueOf(*account, store::AdsProfiles(tx.database()).list());
                if (dueProfiles.empty()) return std::nullopt;
                if (!claim(tx, account->id, now)) {
                    held = true;
                    return std::nullopt;
                }
                return std::make_pair(std::move(*account), std::move(dueProfiles));
            });
        if (held) ++report.accountsSkippedForAnotherDaemon;
        if (!claimed) continue;
        const auto& [account, dueProfiles] = *claimed;
        runClaimedAccount(account, dueProfiles, now, account.sync.requested ? std::optional<int>(0) : std::nullopt, stop,
                          report);
    }
    return report;
}

AdsRunReport AdsSync::syncProfile(std::int64_t profileRow, store::Timestamp now, int days, std::stop_token stop) {
    AdsRunReport report;
    const auto found = store_.read([&](store::Tx& tx) -> std::optional<std::pair<store::AdsAccount, store::AdsProfile>> {
        const auto p = store::AdsProfiles(tx.database()).find(profileRow);
        if (!p) return std::nullopt;
        const auto a = store::AdsAccounts(tx.database()).find(p->accountId);
        if (!a) return std::nullopt;
        return std::make_pair(*a, *p);
    });
    if (!found) throw AdsError(AdsError::Kind::Config, "no ads profile with row id " + std::to_string(profileRow));
    if (!claim(found->first.id, now)) {
        ++report.accountsSkippedForAnotherDaemon;
        report.errors.push_back("another Settlebridge daemon is syncing ads account \"" + found->first.name +
                                "\" now; try again when it is done");
        return report;
    }
    runClaimedAccount(found->first, {found->second}, now, days, stop, report);
    return report;
}

/// The clients of one account, made from its stored credentials.
struct AdsSync::Clients {
    std::string secret;  // the stored credentials (JSON)
    std::unique_ptr<amazon::LwaClient> lwa;
    std::unique_ptr<amazon::AccessTokenProvider> tokens;
    std::unique_ptr<AdsApiClient> amazonClient;
    std::unique_ptr<WalmartClient> walmartClient;
    WalmartColumns walmartColumns = WalmartColumns::builtIn();
};

/// What one profile's run pulls: the windows of its plan, cut into reports per ad product.
struct AdsSync::ProfilePlan {
    struct Chunk {
        std::string product;
        std::string from;
        std::string to;
    };
    bool backfill = false;
    bool recent = false;
    bool restatement = false;
    int days = 0;  // > 0: the last `days` days were asked for
    std::vector<Chunk> chunks;
};

/// How pulling one profile's reports went.
struct AdsSync::Pull {
    int rowsStored = 0;
    int step = 0;  // reports done
    std::string failure;
    bool stopped = false;
    bool accountBroken = false;  // Login with Amazon refused the account's authorization (failure says so)
};

void AdsSync::runAccount(const store::AdsAccount& account, const std::vector<store::AdsProfile>& profiles,
                         store::Timestamp now, std::optional<int> forcedDays, std::stop_token stop,
                         AdsRunReport& report) {
    net::Clock& clock = options_.clock != nullptr ? *options_.clock : net::SystemClock::instance();
    Clients clients;
    if (const auto problem = openClients(account, stop, clock, clients)) {
        failAccount(account, profiles, now, *problem, report);
        return;
    }

    // The lease is renewed before each report for reportTimeout + leaseMargin from the time the report starts.
    const net::Clock::Steady started = clock.now();
    const std::function<bool()> renew = [&] {
        const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(clock.now() - started).count();
        return claim(account.id, now + static_cast<store::Timestamp>(elapsed));
    };

    store_.write([&](store::Tx& tx) {
        store::AdsAccounts(tx.database())
            .setSyncStatus(account.id,
                           {store::AdsSyncState::Syncing, "", account.sync.lastSyncAt, account.sync.nextSyncAt, false},
                           now);
    });

    bool accountBroken = false;
    std::string accountError;
    int profilesOk = 0;
    for (const auto& profile : profiles) {
        if (stop.stop_requested()) {
            report.stopped = true;
            break;
        }
        const ProfilePlan plan = planProfile(account, profile, now, forcedDays);

        store_.write([&](store::Tx& tx) {
            store::AdsProfiles ps(tx.database());
            ps.setSyncStatus(
                profile.id, {store::AdsSyncState::Syncing, "", profile.sync.lastSyncAt, profile.sync.nextSyncAt, false},
                now);
            if (plan.backfill) ps.setBackfill(profile.id, store::BackfillState::Running, now);
        });

        const Pull pull = pullReports(account, profile, plan, clients, now, stop, report, renew);
        report.rowsStored += pull.rowsStored;

        if (pull.stopped) {
            report.stopped = true;
            recordStopped(profile, plan, now);
            break;
        }
        if (!pull.failure.empty()) {
            if (pull.accountBroken) {
                accountBroken = true;
                accountError = pull.failure;
            }
            recordFailure(account, profile, plan, pull.failure, now, report);
            if (accountBroken) break;
            continue;
        }
        ++profilesOk;
        recordSuccess(account, profile, plan, pull, now, report);
    }

    if (accountBroken) {
        failBrokenAccount(account, profiles, accountError, now, report);
        return;
    }
    finishAccount(account, profiles, clients, profilesOk, now, report);
}

void AdsSync::failAccount(const store::AdsAccount& account, const std::vector<store::AdsProfile>& profiles,
                          store::Timestamp now, const std::string& message, AdsRunReport& report) {
    store_.write([&](store::Tx& tx) {
        store::AdsAccounts accounts(tx.database());
        store::AdsProfiles ps(tx.database());
        accounts.setSyncStatus(account.id,
                               {store::AdsSyncState::Error, message, now,
                                now + static_cast<store::Timestamp>(options_.errorRetry.count()), false},
                               now);
        for (const auto& p : profiles) {
            ps.setSyncStatus(p.id,
                             {store::AdsSyncState::Error, message, now,
                              now + static_cast<store::Timestamp>(options_.errorRetry.count()), false},
                             now);
        }
        tx.events().add(now, account.companyId, store::EventLevel::Error,
                        "Ads account \"" + account.name + "\": " + message);
    });
    ++report.accountsFailed;
    report.profilesFailed += static_cast<int>(profiles.size());
    report.errors.push_back(account.name + ": " + message);
}

std::optional<std::string> AdsSync::openClients(const store::AdsAccount& account, std::stop_token stop,
                                                net::Clock& clock, Clients& clients) {
    // Credentials and the clients of this account.
    std::optional<std::string> secret;
    try {
        secret = store_.read([&](store::Tx& tx) { return store::AdsAccounts(tx.database()).credentials(account.id, box_); });
    } catch (const store::SecretError& e) {
        return std::string("the stored credentials cannot be opened (") + e.what() + "): connect the account again";
    }
    if (!secret) return std::string("no credentials stored: connect the account");
    clients.secret = *secret;

    try {
        if (account.channel == store::AdsChannel::AmazonAds) {
            const AmazonAdsCredentials creds = AmazonAdsCredentials::fromJson(*secret);
            const auto region = amazon::parseRegion(account.region).value_or(amazon::Region::NA);
            amazon::LwaConfig lc;
            lc.tokenUrl = options_.amazonTokenUrl.empty() ? adsTokenUrl(region) : options_.amazonTokenUrl;
            lc.clientId = creds.clientId;
            lc.clientSecret = creds.clientSecret;
            lc.http = options_.http;
            lc.retry = options_.retry;
            lc.stop = stop;
            clients.lwa = std::make_unique<amazon::LwaClient>(lc, clock);
            clients.tokens = std::make_unique<amazon::AccessTokenProvider>(*clients.lwa, creds.refreshToken);
            AdsApiConfig ac;
            ac.endpoint = options_.amazonEndpoint.empty() ? adsApiEndpoint(region) : options_.amazonEndpoint;
            ac.clientId = creds.clientId;
            ac.http = options_.http;
            ac.retry = options_.retry;
            ac.pollInitial = options_.pollInitial;
            ac.pollMax = options_.pollMax;
            ac.reportTimeout = options_.reportTimeout;
            ac.stop = stop;
            ac.jitter = options_.jitter;
            clients.amazonClient = std::make_unique<AdsApiClient>(ac, *clients.tokens, clock);
        } else {
            WalmartConfig wc;
            wc.endpoint = options_.walmartEndpoint;
            wc.http = options_.http;
            wc.retry = options_.retry;
            wc.pollInitial = options_.pollInitial;
            wc.pollMax = options_.pollMax;
            wc.reportTimeout = options_.reportTimeout;
            wc.stop = stop;
            wc.jitter = options_.jitter;
            clients.walmartClient = std::make_unique<WalmartClient>(wc, WalmartCredentials::fromJson(*secret), clock);
            if (!options_.walmartColumnsFile.empty()) {
                clients.walmartColumns = WalmartColumns::load(options_.walmartColumnsFile);
            }
        }
    } catch (const std::exception& e) {
        return describe(e);
    }
    return std::nullopt;
}

AdsSync::ProfilePlan AdsSync::planProfile(const store::AdsAccount& account, const store::AdsProfile& profile,
                                          store::Timestamp now, std::optional<int> forcedDays) const {
    ProfilePlan out;
    const std::string today = profileToday(profile.info.timeZone, now, options_.zoneInfoDir);
    const bool isWalmart = account.channel == store::AdsChannel::WalmartConnect;
    // Walmart reports cannot include the current day: its windows end yesterday.
    const std::string lastDay = isWalmart ? addDays(today, -1) : today;

    // What this run pulls.
    std::vector<Window> plan;
    out.days = forcedDays ? *forcedDays : (profile.sync.requested ? profile.requestedDays : 0);
    if (out.days > 0) {
        plan = windows(Plan::LastDays, lastDay, out.days);
    } else if (profile.backfill != store::BackfillState::Done) {
        plan = windows(Plan::Backfill, lastDay, profile.backfillDays);
        out.backfill = true;
    } else {
        const bool requested = forcedDays.has_value() || profile.sync.requested;
        out.recent = requested || now - profile.lastRecentAt >= options_.recentInterval.count();
        out.restatement = requested || now - profile.lastRestatementAt >= options_.restatementInterval.count();
        if (out.restatement) {
            for (auto& w : windows(Plan::Restatement, lastDay, 0)) plan.push_back(w);
        }
        if (out.recent) {
            for (auto& w : windows(Plan::Recent, lastDay, 0)) plan.push_back(w);
        }
    }

    // Reports: per ad product, each window clipped to the product's retention, in chunks of ≤ 31 days.
    std::vector<std::string> products;
    if (isWalmart) {
        products = {std::string(store::kAdProductWalmart)};
    } else {
        for (const auto& k : amazonReportKinds()) products.emplace_back(k.code);
    }
    for (const auto& product : products) {
        const int retention = isWalmart ? kWalmartRetentionDays : amazonReportKind(product).retentionDays;
        const std::int64_t oldest = dayNumber(today) - (retention - 1);
        for (const auto& w : plan) {
            std::int64_t from = std::max(dayNumber(w.from), oldest);
            const std::int64_t to = dayNumber(w.to);
            while (from <= to) {
                const std::int64_t end = std::min(to, from + options_.maxDaysPerReport - 1);
                out.chunks.push_back({product, dayText(from), dayText(end)});
                from = end + 1;
            }
        }
    }
    return out;
}

AdsSync::Pull AdsSync::pullReports(const store::AdsAccount& account, const store::AdsProfile& profile,
                                   const ProfilePlan& plan, Clients& clients, store::Timestamp now,
                                   std::stop_token stop, AdsRunReport& report, const std::function<bool()>& renew) {
    const bool isWalmart = account.channel == store::AdsChannel::WalmartConnect;
    Pull pull;
    std::map<std::string, std::vector<std::string>> sbAsins;
    bool sbAsinsLoaded = false;
    try {
        for (const ProfilePlan::Chunk& chunk : plan.chunks) {
            if (stop.stop_requested()) {
                pull.stopped = true;
                break;
            }
            if (!renew()) {
                pull.failure = "another Settlebridge daemon took this account over (this one held it past its lease)";
                break;
            }
            if (options_.progress) {
                options_.progress({profile.id, profile.label(), pull.step, static_cast<int>(plan.chunks.size()),
                                   chunk.product + " " + chunk.from + ".." + chunk.to});
            }
            std::vector<store::AdSpendRow> rows;
            if (isWalmart) {
                rows = clients.walmartClient->itemSpend(profile.info.profileId, chunk.from, chunk.to,
                                                        clients.walmartColumns);
            } else {
                const AmazonReportKind& kind = amazonReportKind(chunk.product);
                const common::Json file = clients.amazonClient->runReport(
                    profile.info.profileId, makeReportRequest(kind, chunk.from, chunk.to));
                rows = rowsFromReport(kind, file, chunk.from, chunk.to);
                if (chunk.product == store::kAdProductSB) {
                    if (!sbAsinsLoaded) {
                        for (const SbAd& ad : clients.amazonClient->listSbAds(profile.info.profileId, {})) {
                            auto& list = sbAsins[ad.campaignId];
                            list.insert(list.end(), ad.asins.begin(), ad.asins.end());
                        }
                        sbAsinsLoaded = true;
                    }
                    rows = allocateBrands(profile, rows, sbAsins);
                }
            }
            pull.rowsStored += store_.write([&](store::Tx& tx) {
                return store::AdSpend(tx.database())
                    .replaceRange(profile.id, chunk.product, chunk.from, chunk.to, rows, now);
            });
            ++report.reports;
            ++pull.step;
        }
    } catch (const amazon::CancelledError&) {
        pull.stopped = true;
    } catch (const amazon::LwaError& e) {
        pull.failure = describe(e);
        if (authorizationFailure(e)) {
            pull.accountBroken = true;
            pull.failure = "Amazon refused the Ads authorization (" + e.code() +
                           "): it was revoked or has expired; connect the account again";
        }
    } catch (const std::exception& e) {
        pull.failure = describe(e);
    }
    return pull;
}

std::vector<store::AdSpendRow> AdsSync::allocateBrands(const store::AdsProfile& profile,
                                                       const std::vector<store::AdSpendRow>& rows,
                                                       const std::map<std::string, std::vector<std::string>>& sbAsins) {
    return store_.read([&](store::Tx& tx) {
        store::AdSpend spend(tx.database());
        const auto skuByAsin = spend.skuByAsin(profile.id);
        std::map<std::string, std::map<std::string, std::int64_t>> salesCache;  // date → key → sales
        auto weight = [&](const std::string& date, const std::string& sku, const std::string& asin) {
            auto [it, fresh] = salesCache.try_emplace(date);
            if (fresh) {
                const auto from = addDays(date, -(options_.allocationWindowDays - 1));
                for (const auto& s : spend.bySku(profile.id, from, date, {"SP", "SD"})) {
                    it->second[s.sku.empty() ? "asin:" + s.asin : s.sku] += s.sales;
                }
            }
            const auto w = it->second.find(sku.empty() ? "asin:" + asin : sku);
            return w == it->second.end() ? std::int64_t{0} : w->second;
        };
        return allocateSponsoredBrands(rows, sbAsins, skuByAsin, weight);
    });
}

void AdsSync::recordStopped(const store::AdsProfile& profile, const ProfilePlan& plan, store::Timestamp now) {
    store_.write([&](store::Tx& tx) {
        store::AdsProfiles ps(tx.database());
        ps.setSyncStatus(
            profile.id,
            {profile.sync.state == store::AdsSyncState::Syncing ? store::AdsSyncState::Idle : profile.sync.state,
             "stopped (shutdown); resumes on the next run", profile.sync.lastSyncAt, 0, profile.sync.requested},
            now);
        if (plan.backfill) ps.setBackfill(profile.id, store::BackfillState::Pending, now);
    });
}

void AdsSync::recordFailure(const store::AdsAccount& account, const store::AdsProfile& profile, const ProfilePlan& plan,
                            const std::string& failure, store::Timestamp now, AdsRunReport& report) {
    ++report.profilesFailed;
    report.errors.push_back(profile.label() + ": " + failure);
    store_.write([&](store::Tx& tx) {
        store::AdsProfiles ps(tx.database());
        ps.setSyncStatus(profile.id,
                         {store::AdsSyncState::Error, failure, now,
                          now + static_cast<store::Timestamp>(options_.errorRetry.count()), false},
                         now);
        if (plan.backfill) ps.setBackfill(profile.id, store::BackfillState::Pending, now);
        tx.events().add(now, account.companyId, store::EventLevel::Error,
                        "Ad spend of " + profile.label() + " not pulled: " + failure);
    });
}

void AdsSync::recordSuccess(const store::AdsAccount& account, const store::AdsProfile& profile, const ProfilePlan& plan,
                            const Pull& pull, store::Timestamp now, AdsRunReport& report) {
    ++report.profilesSynced;
    const bool backfill = plan.backfill;
    const int step = pull.step;
    const store::Timestamp recentAt = (backfill || plan.recent || plan.days > 0) ? now : profile.lastRecentAt;
    const store::Timestamp restatementAt = (backfill || plan.restatement) ? now : profile.lastRestatementAt;
    const store::Timestamp next =
        std::min(recentAt + static_cast<store::Timestamp>(options_.recentInterval.count()),
                 restatementAt + static_cast<store::Timestamp>(options_.restatementInterval.count()));
    const std::string summary = std::to_string(step) + " report" + (step == 1 ? "" : "s") + ", " +
                                std::to_string(pull.rowsStored) + " rows" + (backfill ? " (backfill)" : "");
    store_.write([&](store::Tx& tx) {
        store::AdsProfiles ps(tx.database());
        ps.setSyncStatus(profile.id, {store::AdsSyncState::Ok, summary, now, next, false}, now);
        if (recentAt == now) ps.markRecentRun(profile.id, now);
        if (restatementAt == now) ps.markRestatementRun(profile.id, now);
        if (backfill) ps.setBackfill(profile.id, store::BackfillState::Done, now);
        tx.events().add(now, account.companyId, store::EventLevel::Info,
                        "Ad spend of " + profile.label() + " pulled: " + summary);
    });
    if (options_.progress) {
        options_.progress({profile.id, profile.label(), step, static_cast<int>(plan.chunks.size()), "done"});
    }
}

void AdsSync::failBrokenAccount(const store::AdsAccount& account, const std::vector<store::AdsProfile>& profiles,
                                const std::string& accountError, store::Timestamp now, AdsRunReport& report) {
    ++report.accountsFailed;
    store_.write([&](store::Tx& tx) {
        store::AdsAccounts(tx.database())
            .setSyncStatus(account.id,
                           {store::AdsSyncState::Error, accountError, now,
                            now + static_cast<store::Timestamp>(options_.errorRetry.count()), false},
                           now);
        // Every profile of the account shares the refused authorization.
        store::AdsProfiles ps(tx.database());
        for (const auto& p : profiles) {
            ps.setSyncStatus(p.id,
                             {store::AdsSyncState::Error, accountError, now,
                              now + static_cast<store::Timestamp>(options_.errorRetry.count()), false},
                             now);
        }
    });
    event(account, now, store::EventLevel::Error, "Ads account \"" + account.name + "\": " + accountError);
}

void AdsSync::finishAccount(const store::AdsAccount& account, const std::vector<store::AdsProfile>& profiles,
                            const Clients& clients, int profilesOk, store::Timestamp now, AdsRunReport& report) {
    // Store a rotated refresh token (LWA normally echoes the same one).
    if (clients.tokens) {
        if (const auto rotated = clients.tokens->rotatedRefreshToken()) {
            try {
                AmazonAdsCredentials creds = AmazonAdsCredentials::fromJson(clients.secret);
                creds.refreshToken = *rotated;
                store_.write([&](store::Tx& tx) {
                    store::AdsAccounts(tx.database()).setCredentials(account.id, box_, creds.toJson(), now);
                });
            } catch (const std::exception& e) {
                event(account, now, store::EventLevel::Warning,
                      std::string("could not store the rotated Ads refresh token: ") + e.what());
            }
        }
    }
    const bool anyFailed = profilesOk < static_cast<int>(profiles.size()) && !report.stopped;
    store_.write([&](store::Tx& tx) {
        store::AdsAccounts(tx.database())
            .setSyncStatus(account.id,
                           {anyFailed ? store::AdsSyncState::Error : store::AdsSyncState::Ok,
                            anyFailed ? "some profiles failed; see their state" : "", now, 0, false},
                           now);
    });
}

void AdsSync::event(const store::AdsAccount& account, store::Timestamp now, store::EventLevel level,
                    const std::string& message) {
    store_.write([&](store::Tx& tx) { tx.events().add(now, account.companyId, level, message); });
}

}  // namespace settlebridge::ads
