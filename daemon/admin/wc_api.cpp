#include "daemon/admin/wc_api.hpp"

#include "daemon/common/sign_in_refusals.hpp"
#include "soap/qwc.hpp"

namespace settlebridge::admin {

namespace {

int limitParam(const ApiRequest& request, int fallback, int maximum) {
    const std::string text = request.param("limit");
    if (text.empty()) return fallback;
    int value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9' || value > 100000) throw ApiError(400, "limit must be a whole number", "limit");
        value = value * 10 + (c - '0');
    }
    if (value < 1) throw ApiError(400, "limit must be at least 1", "limit");
    return std::min(value, maximum);
}

std::string safeFileName(const std::string& name) {
    std::string out;
    for (const char c : name) {
        const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                          c == '_' || c == '.';
        out += keep ? c : '_';
    }
    return out.empty() ? "company" : out;
}

}  // namespace

ApiReply qwcGet(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t companyId = request.idAt(1);
    const store::Company company = ctx.store().read([&](store::Tx& tx) { return requireCompany(tx, companyId); });
    std::string url = request.param("url");
    if (url.empty()) {
        if (request.host.empty()) throw ApiError(400, "give the Web Connector URL (url=https://host:port/qbwc)", "url");
        url = std::string(request.secure ? "https://" : "http://") + request.host + ctx.options().qbwcPath;
    }
    soap::QwcOptions options;
    options.companyName = company.name;
    options.appUrl = url;
    options.ownerId = company.ownerId;
    options.fileId = company.fileId;
    options.runEveryMinutes = company.runEveryMinutes;
    ApiReply reply;
    try {
        reply.raw = soap::renderQwc(options);
    } catch (const soap::QwcError& e) {
        throw ApiError(400, e.what(), "url");
    }
    reply.contentType = "application/xml; charset=utf-8";
    reply.downloadName = safeFileName(company.name) + ".qwc";
    return reply;
}

ApiReply sessionsGet(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t companyId = request.idAt(1);
    const int limit = limitParam(request, 20, 200);
    return ctx.store().read([&](store::Tx& tx) {
        const store::Company company = requireCompany(tx, companyId);
        JsonArray sessions = array();
        for (const auto& s : tx.sessions().recent(company.id, limit)) {
            JsonObject o = object();
            o->set("id", s.id);
            o->set("state", std::string(store::toString(s.state)));
            o->set("started_at", s.createdAt);
            o->set("last_seen_at", s.lastSeenAt);
            o->set("closed_at", s.closedAt);
            o->set("qbxml_version", s.qbxmlVersion);
            o->set("company_file", s.companyFileName);
            o->set("refused", s.refused);
            o->set("last_error", s.lastError);
            o->set("requests", s.requestsSent);
            o->set("responses", s.responsesReceived);
            JsonArray docs = array();
            int posted = 0;
            for (const auto& d : tx.documents().touchedBySession(s.id)) {
                JsonObject doc = object();
                doc->set("id", d.id);
                doc->set("settlement_id", d.settlementId);
                doc->set("kind", std::string(store::toString(d.kind)));
                doc->set("ref_number", d.refNumber);
                doc->set("state", std::string(store::toString(d.state)));
                doc->set("total", money(d.expectedTotal, d.currency));
                doc->set("qb_txn_id", d.qbTxnId);
                if (d.state == store::DocState::Posted) ++posted;
                docs->add(doc);
            }
            o->set("posted", posted);
            o->set("documents", docs);
            sessions->add(o);
        }
        JsonObject out = object();
        out->set("company_id", company.id);
        out->set("company", company.name);
        out->set("run_every_minutes", company.runEveryMinutes);
        out->set("default_url", std::string(request.secure ? "https://" : "http://") + request.host +
                                    ctx.options().qbwcPath);
        out->set("sessions", sessions);
        // This server's sign-ins refused without a password check (all companies, since it started), by reason.
        using Refusals = common::SignInRefusals;
        const Refusals::Counts counts = Refusals::shared().snapshot();
        JsonObject refusals = object();
        refusals->set("since", Refusals::shared().since());
        for (const auto door : {Refusals::Door::WebConnector, Refusals::Door::Admin}) {
            JsonObject byReason = object();
            for (const auto reason : {Refusals::Reason::GateBusy, Refusals::Reason::AddressThrottled,
                                      Refusals::Reason::NameRateLimited, Refusals::Reason::Locked}) {
                byReason->set(std::string(Refusals::key(reason)), static_cast<std::int64_t>(counts.at(door, reason)));
            }
            refusals->set(std::string(Refusals::key(door)), byReason);
        }
        out->set("sign_in_refusals", refusals);
        return ApiReply::ok(out);
    });
}

ApiReply eventsGet(SiteContext& ctx, const ApiRequest& request) {
    store::EventFilter filter;
    if (const std::string company = request.param("company"); !company.empty()) {
        ApiRequest idRequest;
        idRequest.segments = {company};
        try {
            filter.companyId = idRequest.idAt(0);
        } catch (const ApiError&) {
            throw ApiError(400, "company must be a company id", "company");
        }
    }
    if (const std::string level = request.param("level"); !level.empty()) {
        filter.minLevel = store::parseEventLevel(level);
        if (!filter.minLevel) throw ApiError(400, "level must be debug, info, warning or error", "level");
    }
    filter.text = request.param("q");
    if (filter.text.size() > 200) throw ApiError(400, "the search text can have at most 200 characters", "q");
    const LogPaging paging = logPaging(request, 100, 500);
    applyPaging(filter, paging);
    return ctx.store().read([&](store::Tx& tx) {
        std::map<std::int64_t, std::string> names;
        for (const auto& c : tx.companies().list()) names[c.id] = c.name;
        auto found = tx.events().find(filter);
        const bool more = takePage(found, paging);
        JsonArray events = array();
        for (const auto& e : found) {
            JsonObject o = object();
            o->set("id", e.id);
            o->set("at", e.at);
            o->set("level", std::string(store::toString(e.level)));
            if (e.companyId) {
                o->set("company_id", *e.companyId);
                o->set("company", names.count(*e.companyId) != 0 ? names[*e.companyId] : std::string());
            } else {
                o->set("company_id", Poco::Dynamic::Var());
                o->set("company", "");
            }
            o->set("message", e.message);
            events->add(o);
        }
        JsonObject out = object();
        out->set("events", events);
        setPaging(out, paging, more, found.empty() ? 0 : found.back().id);
        return ApiReply::ok(out);
    });
}

}  // namespace settlebridge::admin
