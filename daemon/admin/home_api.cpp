#include "daemon/admin/home_api.hpp"

#include "daemon/store/ads_accounts.hpp"
#include "daemon/store/amazon_connections.hpp"
#include "daemon/store/sellercloud_connections.hpp"

namespace settlebridge::admin {

namespace {

JsonObject amazonJson(const store::AmazonConnection& c) {
    JsonObject o = object();
    o->set("id", c.id);
    o->set("kind", "amazon_seller");
    o->set("channel_label", "Amazon seller");
    o->set("name", c.name);
    o->set("region", c.region);
    o->set("seller_id", c.sellerId);
    o->set("connected", c.hasRefreshToken);
    o->set("enabled", c.enabled);
    o->set("download_window_days", c.downloadWindowDays);
    o->set("sync_every_minutes", c.syncEveryMinutes);
    o->set("sync", syncJson(store::toString(c.syncState), c.syncMessage, c.lastSyncAt, c.nextSyncAt, c.syncRequested));
    return o;
}

JsonObject adsJson(const store::AdsAccount& a, int profiles) {
    JsonObject o = object();
    o->set("id", a.id);
    o->set("kind", std::string(store::toString(a.channel)));
    o->set("channel_label", a.channel == store::AdsChannel::AmazonAds ? "Amazon Ads" : "Walmart Connect");
    o->set("name", a.name);
    o->set("region", a.region);
    o->set("connected", a.hasCredentials);
    o->set("profiles", profiles);
    o->set("sync", syncJson(store::toString(a.sync.state), a.sync.message, a.sync.lastSyncAt, a.sync.nextSyncAt,
                            a.sync.requested));
    return o;
}

JsonObject sellercloudJson(const store::SellercloudConnection& c) {
    JsonObject o = object();
    o->set("id", c.id);
    o->set("kind", "sellercloud");
    o->set("channel_label", "Sellercloud");
    o->set("name", !c.teamName.empty() ? c.teamName : c.serverId.empty() ? c.baseUrl : "server " + c.serverId);
    o->set("region", "");
    o->set("connected", true);
    o->set("sync", syncJson(store::toString(c.syncState), c.syncMessage, c.lastSyncAt, c.nextSyncAt, c.syncRequested));
    return o;
}

}  // namespace

JsonObject syncJson(std::string_view state, const std::string& message, store::Timestamp lastSyncAt,
                    store::Timestamp nextSyncAt, bool requested) {
    JsonObject o = object();
    o->set("state", std::string(state));
    o->set("message", message);
    o->set("last_sync_at", lastSyncAt);
    o->set("next_sync_at", nextSyncAt);
    o->set("requested", requested);
    return o;
}

std::string checkedDisplayName(const std::string& name, const std::string& field) {
    if (name.empty()) throw ApiError(400, "enter a name", field);
    if (name.size() > 80) throw ApiError(400, "a name can have at most 80 characters", field);
    for (const unsigned char c : name) {
        if (c < 0x20 || c == 0x7f) throw ApiError(400, "a name cannot contain control characters", field);
    }
    return name;
}

ApiReply homeGet(SiteContext& ctx, const ApiRequest&) {
    return ctx.store().read([&](store::Tx& tx) {
        store::AmazonConnections amazon(tx.database());
        store::AdsAccounts ads(tx.database());
        store::AdsProfiles profiles(tx.database());
        const auto allAds = ads.list();
        auto profileCount = [&](std::int64_t accountId) {
            return static_cast<int>(profiles.list(accountId, false).size());
        };
        JsonArray companies = array();
        for (const auto& company : tx.companies().list()) {
            JsonObject c = object();
            c->set("id", company.id);
            c->set("name", company.name);
            c->set("mode", std::string(store::toString(company.mode)));
            JsonObject counts = object();
            const auto byState = tx.documents().countByState(company.id);
            for (const auto s : {store::DocState::Held, store::DocState::Queued, store::DocState::Sent,
                                 store::DocState::Posted, store::DocState::Failed}) {
                const auto it = byState.find(s);
                counts->set(std::string(store::toString(s)), it == byState.end() ? 0 : it->second);
            }
            c->set("counts", counts);
            JsonArray connections = array();
            for (const auto& connection : amazon.list(company.id)) connections->add(amazonJson(connection));
            for (const auto& account : allAds) {
                if (account.companyId == company.id) connections->add(adsJson(account, profileCount(account.id)));
            }
            if (auto sellercloud = store::SellercloudConnections(tx.database()).findByCompany(company.id)) {
                connections->add(sellercloudJson(*sellercloud));
            }
            c->set("connections", connections);
            companies->add(c);
        }
        JsonArray unassigned = array();
        for (const auto& account : allAds) {
            if (!account.companyId) unassigned->add(adsJson(account, profileCount(account.id)));
        }
        JsonObject out = object();
        out->set("now", ctx.now());
        out->set("companies", companies);
        out->set("unassigned", unassigned);
        return ApiReply::ok(out);
    });
}

ApiReply companySyncPost(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t companyId = request.idAt(1);
    return ctx.store().write([&](store::Tx& tx) {
        const store::Company company = requireCompany(tx, companyId);
        const store::Timestamp now = ctx.now();
        int asked = store::AmazonConnections(tx.database()).requestSync(company.id, std::nullopt, now);
        store::AdsAccounts ads(tx.database());
        for (const auto& account : ads.list(company.id)) {
            ads.requestSync(account.id, true, now);
            ++asked;
        }
        store::SellercloudConnections sellercloud(tx.database());
        if (auto connection = sellercloud.findByCompany(company.id)) {
            sellercloud.requestSync(connection->id, true, now);
            ++asked;
        }
        if (asked > 0) {
            tx.events().add(now, company.id, store::EventLevel::Info,
                            "sync requested for " + std::to_string(asked) + " connection(s) by " +
                                request.session->userName);
        }
        JsonObject out = object();
        out->set("requested", asked);
        out->set("message", asked == 0 ? "this company has no connections to sync yet"
                                       : "the daemon syncs " + std::to_string(asked) +
                                             " connection(s) within a minute");
        return ApiReply::ok(out);
    });
}

ApiReply amazonSyncPost(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t id = request.idAt(1);
    return ctx.store().write([&](store::Tx& tx) {
        store::AmazonConnections amazon(tx.database());
        const auto connection = amazon.find(id);
        if (!connection) throw ApiError(404, "no Amazon connection with id " + std::to_string(id));
        amazon.requestSync(connection->companyId, connection->id, ctx.now());
        tx.events().add(ctx.now(), connection->companyId, store::EventLevel::Info,
                        "sync of \"" + connection->name + "\" requested by " + request.session->userName);
        JsonObject out = object();
        out->set("requested", 1);
        out->set("message", "the daemon syncs \"" + connection->name + "\" within a minute");
        return ApiReply::ok(out);
    });
}

ApiReply sellercloudSyncPost(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t id = request.idAt(1);
    return ctx.store().write([&](store::Tx& tx) {
        store::SellercloudConnections sellercloud(tx.database());
        const auto connection = sellercloud.find(id);
        if (!connection) throw ApiError(404, "no Sellercloud connection with id " + std::to_string(id));
        sellercloud.requestSync(connection->id, true, ctx.now());
        tx.events().add(ctx.now(), connection->companyId, store::EventLevel::Info,
                        "Sellercloud send requested by " + request.session->userName);
        JsonObject out = object();
        out->set("requested", 1);
        out->set("message", "the daemon sends the ad spend to Sellercloud within a minute");
        return ApiReply::ok(out);
    });
}

ApiReply amazonRenamePut(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t id = request.idAt(1);
    const std::string name = checkedDisplayName(request.text("name"), "name");
    return ctx.store().write([&](store::Tx& tx) {
        store::AmazonConnections amazon(tx.database());
        auto connection = amazon.find(id);
        if (!connection) throw ApiError(404, "no Amazon connection with id " + std::to_string(id));
        if (auto other = amazon.findByName(connection->companyId, name); other && other->id != id) {
            throw ApiError(409, "this company already has a connection named \"" + name + "\"", "name");
        }
        tx.events().add(ctx.now(), connection->companyId, store::EventLevel::Info,
                        "Amazon connection \"" + connection->name + "\" renamed \"" + name + "\" by " +
                            request.session->userName);
        connection->name = name;
        amazon.update(*connection, ctx.now());
        return ApiReply::ok(amazonJson(*connection));
    });
}

ApiReply adsAccountSyncPost(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t id = request.idAt(2);
    return ctx.store().write([&](store::Tx& tx) {
        store::AdsAccounts ads(tx.database());
        const auto account = ads.find(id);
        if (!account) throw ApiError(404, "no ads account with id " + std::to_string(id));
        ads.requestSync(account->id, true, ctx.now());
        tx.events().add(ctx.now(), account->companyId, store::EventLevel::Info,
                        "sync of ads account \"" + account->name + "\" requested by " + request.session->userName);
        JsonObject out = object();
        out->set("requested", 1);
        out->set("message", "the daemon syncs \"" + account->name + "\" within a minute");
        return ApiReply::ok(out);
    });
}

ApiReply adsAccountRenamePut(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t id = request.idAt(2);
    const std::string name = checkedDisplayName(request.text("name"), "name");
    return ctx.store().write([&](store::Tx& tx) {
        store::AdsAccounts ads(tx.database());
        auto account = ads.find(id);
        if (!account) throw ApiError(404, "no ads account with id " + std::to_string(id));
        tx.events().add(ctx.now(), account->companyId, store::EventLevel::Info,
                        "ads account \"" + account->name + "\" renamed \"" + name + "\" by " + request.session->userName);
        account->name = name;
        ads.update(*account, ctx.now());
        store::AdsProfiles profiles(tx.database());
        return ApiReply::ok(adsJson(*account, static_cast<int>(profiles.list(account->id, false).size())));
    });
}

}  // namespace settlebridge::admin
