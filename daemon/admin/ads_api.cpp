#include "daemon/admin/ads_api.hpp"

#include <map>

#include "daemon/admin/home_api.hpp"
#include "daemon/common/datetime.hpp"
#include "daemon/store/ad_spend.hpp"
#include "daemon/store/ads_accounts.hpp"

namespace settlebridge::admin {

namespace {

const char* productLabel(std::string_view product) {
    if (product == store::kAdProductSP) return "Sponsored Products";
    if (product == store::kAdProductSD) return "Sponsored Display";
    if (product == store::kAdProductSB) return "Sponsored Brands (allocated)";
    if (product == store::kAdProductWalmart) return "Walmart Sponsored Products";
    return "Other";
}

JsonObject profileJson(const store::AdsProfile& p, const store::AdsAccount& account) {
    JsonObject o = object();
    o->set("id", p.id);
    o->set("account_id", p.accountId);
    o->set("account_name", account.name);
    o->set("channel", std::string(store::toString(account.channel)));
    if (account.companyId) {
        o->set("company_id", *account.companyId);
    } else {
        o->set("company_id", Poco::Dynamic::Var());
    }
    o->set("label", p.label());
    o->set("display_name", p.displayName);
    o->set("profile_id", p.info.profileId);
    o->set("account_info_name", p.info.accountName);
    o->set("country", p.info.countryCode);
    o->set("currency", p.info.currencyCode);
    o->set("time_zone", p.info.timeZone);
    o->set("enabled", p.enabled);
    o->set("hidden", p.hidden);
    o->set("backfill", std::string(store::toString(p.backfill)));
    o->set("sync", syncJson(store::toString(p.sync.state), p.sync.message, p.sync.lastSyncAt, p.sync.nextSyncAt,
                            p.sync.requested));
    return o;
}

std::string dateParam(const ApiRequest& request, const std::string& name, const std::string& label) {
    const std::string value = request.param(name);
    if (value.size() != 10 || !common::parseDate(value)) {
        throw ApiError(400, "the " + label + " date must be a date like 2026-01-27", name);
    }
    return value;
}

}  // namespace

ApiReply adsProfilesGet(SiteContext& ctx, const ApiRequest& request) {
    const bool all = request.param("all") == "1" || request.param("all") == "true";
    return ctx.store().read([&](store::Tx& tx) {
        store::AdsAccounts accounts(tx.database());
        store::AdsProfiles profiles(tx.database());
        JsonArray list = array();
        int hiddenCount = 0;
        for (const auto& account : accounts.list()) {
            for (const auto& p : profiles.list(account.id, true)) {
                if (p.hidden) ++hiddenCount;
                if (p.hidden && !all) continue;
                list->add(profileJson(p, account));
            }
        }
        JsonObject out = object();
        out->set("profiles", list);
        out->set("hidden", hiddenCount);
        return ApiReply::ok(out);
    });
}

ApiReply adsProfilePut(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t row = request.idAt(2);
    std::optional<std::string> name = request.optionalText("display_name");
    if (name && !name->empty()) name = checkedDisplayName(*name, "display_name");
    const auto hidden = request.optionalBool("hidden");
    const auto enabled = request.optionalBool("enabled");
    return ctx.store().write([&](store::Tx& tx) {
        store::AdsProfiles profiles(tx.database());
        if (!profiles.find(row)) throw ApiError(404, "no ads profile with id " + std::to_string(row));
        const store::Timestamp now = ctx.now();
        if (name) profiles.rename(row, *name, now);
        if (hidden) profiles.setHidden(row, *hidden, now);
        if (enabled) profiles.setEnabled(row, *enabled, now);
        const store::AdsProfile p = *profiles.find(row);
        const store::AdsAccount account = *store::AdsAccounts(tx.database()).find(p.accountId);
        std::string what;
        if (name) what += name->empty() ? "name reset" : "renamed \"" + *name + "\"";
        if (hidden) what += std::string(what.empty() ? "" : ", ") + (*hidden ? "hidden" : "shown");
        if (enabled) what += std::string(what.empty() ? "" : ", ") + (*enabled ? "sync on" : "sync off");
        if (!what.empty()) {
            tx.events().add(now, account.companyId, store::EventLevel::Info,
                            "ads profile " + p.info.profileId + " " + what + " by " + request.session->userName);
        }
        return ApiReply::ok(profileJson(p, account));
    });
}

ApiReply adsProfileSyncPost(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t row = request.idAt(2);
    const auto days = request.optionalInt("days");
    if (days && (*days < 1 || *days > 95)) {
        throw ApiError(400, "re-pull 1 to 95 days (Amazon keeps Sponsored Products data 95 days)", "days");
    }
    return ctx.store().write([&](store::Tx& tx) {
        store::AdsProfiles profiles(tx.database());
        const auto p = profiles.find(row);
        if (!p) throw ApiError(404, "no ads profile with id " + std::to_string(row));
        profiles.requestSync(row, true, static_cast<int>(days.value_or(0)), ctx.now());
        const auto account = store::AdsAccounts(tx.database()).find(p->accountId);
        tx.events().add(ctx.now(), account ? account->companyId : std::nullopt, store::EventLevel::Info,
                        "sync of ads profile \"" + p->label() + "\" requested by " + request.session->userName);
        JsonObject out = object();
        out->set("requested", 1);
        out->set("message", "the daemon syncs \"" + p->label() + "\" within a minute" +
                                (days ? " (the last " + std::to_string(*days) + " days)" : std::string()));
        return ApiReply::ok(out);
    });
}

ApiReply adsSpendGet(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t row = request.idAt(2);
    const std::string from = dateParam(request, "from", "first");
    const std::string to = dateParam(request, "to", "last");
    if (from > to) throw ApiError(400, "the first date must not be after the last date", "from");
    const auto fromDate = *common::parseDate(from);
    const auto toDate = *common::parseDate(to);
    const std::int64_t days = common::daysFromCivil(toDate) - common::daysFromCivil(fromDate) + 1;
    if (days > 366) throw ApiError(400, "choose at most 366 days", "to");
    return ctx.store().read([&](store::Tx& tx) {
        store::AdsProfiles profiles(tx.database());
        const auto p = profiles.find(row);
        if (!p) throw ApiError(404, "no ads profile with id " + std::to_string(row));
        const std::string& currency = p->info.currencyCode;
        store::AdSpend spend(tx.database());

        // Every day of the range, with each ad product's cost (0 when nothing was spent).
        std::map<std::string, std::map<std::string, store::Cents>> byDay;
        std::map<std::string, store::Cents> productTotals;
        for (const auto& d : spend.byDay(row, from, to)) {
            byDay[d.date][d.adProduct] += d.cost;
            productTotals[d.adProduct] += d.cost;
        }
        JsonArray products = array();
        for (const auto& [product, total] : productTotals) {
            JsonObject o = object();
            o->set("key", product);
            o->set("label", productLabel(product));
            o->set("total_cents", total);
            o->set("total", money(total, currency));
            products->add(o);
        }
        JsonArray dayList = array();
        store::Cents maxDay = 0;
        store::Cents grand = 0;
        for (std::int64_t n = common::daysFromCivil(fromDate); n <= common::daysFromCivil(toDate); ++n) {
            const std::string date = common::formatDate(common::civilFromDays(n));
            JsonObject o = object();
            o->set("date", date);
            JsonObject costs = object();
            store::Cents dayTotal = 0;
            const auto it = byDay.find(date);
            for (const auto& [product, total] : productTotals) {
                (void)total;
                store::Cents cost = 0;
                if (it != byDay.end()) {
                    const auto c = it->second.find(product);
                    if (c != it->second.end()) cost = c->second;
                }
                costs->set(product, cost);
                dayTotal += cost;
            }
            o->set("cost_cents", costs);
            o->set("total_cents", dayTotal);
            o->set("total", money(dayTotal, currency));
            maxDay = std::max(maxDay, dayTotal);
            grand += dayTotal;
            dayList->add(o);
        }
        JsonArray skus = array();
        for (const auto& s : spend.bySku(row, from, to, {})) {
            JsonObject o = object();
            o->set("sku", s.sku);
            o->set("asin", s.asin);
            o->set("cost_cents", s.cost);
            o->set("cost", money(s.cost, currency));
            o->set("sales", money(s.sales, currency));
            o->set("clicks", s.clicks);
            o->set("impressions", s.impressions);
            o->set("purchases", s.purchases);
            o->set("acos", s.sales > 0 ? std::to_string((s.cost * 1000 / s.sales + 5) / 10) + "%" : std::string("—"));
            skus->add(o);
        }
        JsonObject out = object();
        out->set("profile_id", row);
        out->set("label", p->label());
        out->set("currency", currency);
        out->set("from", from);
        out->set("to", to);
        out->set("products", products);
        out->set("days", dayList);
        out->set("max_day_cents", maxDay);
        out->set("total_cents", grand);
        out->set("total", money(grand, currency));
        out->set("skus", skus);
        return ApiReply::ok(out);
    });
}

}  // namespace settlebridge::admin
