#include "daemon/admin/sellercloud_api.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "daemon/admin/home_api.hpp"
#include "daemon/sellercloud/errors.hpp"
#include "daemon/store/ads_accounts.hpp"
#include "daemon/store/sellercloud_connections.hpp"
#include "daemon/store/sellercloud_mappings.hpp"
#include "daemon/store/sellercloud_products.hpp"
#include "daemon/store/sellercloud_sends.hpp"

namespace settlebridge::admin {

namespace {

using sellercloud::SellercloudError;

constexpr int kMaxSendDays = 95;
constexpr int kLogWindow = 5000;  // the newest sends the log's filters look through

/// A Sellercloud failure as an API error: a configuration problem is the request's (400/409), anything
/// Sellercloud or the network did is 502 with the message written for the seller.
ApiError upstreamError(const SellercloudError& e) {
    using Kind = SellercloudError::Kind;
    switch (e.kind()) {
        case Kind::Config:
            return ApiError(409, e.what());
        case Kind::BadCredentials:
            return ApiError(502, std::string("Sellercloud refused the user name or password: ") + e.what() +
                                     " (fix them above and use Test Connection)");
        default:
            return ApiError(502, std::string("Sellercloud could not be reached or refused the request: ") + e.what());
    }
}

bool hasControl(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

bool contains(const std::string& haystack, const std::string& needleLower) {
    return needleLower.empty() || lower(haystack).find(needleLower) != std::string::npos;
}

JsonArray stringArray(const std::vector<std::string>& items) {
    JsonArray a = array();
    for (const auto& item : items) a->add(item);
    return a;
}

JsonObject connectionJson(const store::SellercloudConnection& c) {
    JsonObject o = object();
    o->set("id", c.id);
    o->set("company_id", c.companyId);
    o->set("team_name", c.teamName);
    o->set("server_id", c.serverId);
    o->set("base_url", c.baseUrl);
    o->set("username", c.username);
    o->set("has_password", c.hasPassword);  // the password itself never leaves the store
    o->set("send_hour", c.sendHour);
    o->set("enabled", c.enabled);
    JsonObject test = object();
    test->set("verdict", c.testVerdict);
    test->set("verdict_label", c.testVerdict.empty() ? std::string("Not tested yet") : sellercloudVerdictLabel(c.testVerdict));
    test->set("ok", c.testVerdict == "ok");
    test->set("message", c.testMessage);
    test->set("tested_at", c.testedAt);
    o->set("test", test);
    o->set("sync", syncJson(store::toString(c.syncState), c.syncMessage, c.lastSyncAt, c.nextSyncAt, c.syncRequested));
    return o;
}

JsonObject sendJson(const store::SellercloudSend& s) {
    JsonObject o = object();
    o->set("id", s.id);
    o->set("connection_id", s.connectionId);
    o->set("sc_company_id", s.scCompanyId);
    o->set("sc_company_name", s.scCompanyName);
    o->set("profiles", s.profiles);
    JsonArray rows = array();
    for (const auto& part : store::splitList(s.profileRows)) {
        try {
            rows->add(std::stoll(part));
        } catch (const std::exception&) {
        }
    }
    o->set("profile_rows", rows);
    o->set("kind", std::string(store::toString(s.kind)));
    o->set("from_date", s.fromDate);
    o->set("to_date", s.toDate);
    o->set("currency", s.currency);
    o->set("status", std::string(store::toString(s.status)));
    o->set("records", s.records);
    o->set("written", s.written);
    o->set("unmatched", s.unmatched);
    o->set("failed", s.failed);
    o->set("message", s.message);
    o->set("started_at", s.startedAt);
    o->set("finished_at", s.finishedAt);
    return o;
}

JsonObject recordJson(const store::SellercloudSendRecord& r, const std::string& currency) {
    JsonObject o = object();
    o->set("seq", r.seq);
    o->set("sku", r.sku);
    o->set("asin", r.asin);
    o->set("product_id", r.productId);
    o->set("rule", r.rule);
    o->set("cost_cents", r.cost);
    o->set("cost", money(r.cost, currency));
    o->set("sales_cents", r.sales);
    o->set("sales", money(r.sales, currency));
    if (r.itemCost) {
        o->set("item_cost_cents", *r.itemCost);
        o->set("item_cost", money(*r.itemCost, currency));
    } else {
        o->set("item_cost_cents", Poco::Dynamic::Var());
        o->set("item_cost", Poco::Dynamic::Var());
    }
    if (r.profit) {
        o->set("profit_cents", *r.profit);
        o->set("profit", money(*r.profit, currency));
    } else {
        o->set("profit_cents", Poco::Dynamic::Var());
        o->set("profit", Poco::Dynamic::Var());
    }
    o->set("values_written", r.valuesWritten);
    o->set("status", std::string(store::toString(r.status)));
    o->set("error", r.error);
    return o;
}

store::SellercloudConnection requireConnection(store::Tx& tx, std::int64_t id) {
    auto c = store::SellercloudConnections(tx.database()).find(id);
    if (!c) throw ApiError(404, "no Sellercloud connection with id " + std::to_string(id));
    return *c;
}

std::string channelOf(const store::AdsAccount& account) {
    return account.channel == store::AdsChannel::WalmartConnect ? "walmart" : "amazon";
}

/// A list field of allowed words ("SP", "SD"...), each once, at least one. nullopt when absent.
std::optional<std::vector<std::string>> wordList(const ApiRequest& request, const std::string& field,
                                                 const std::vector<std::string>& allowed, const std::string& what,
                                                 std::vector<ApiError::FieldError>& errors) {
    if (!request.has(field)) return std::nullopt;
    Poco::JSON::Array::Ptr list;
    try {
        list = request.body->getArray(field);
    } catch (const Poco::Exception&) {
        list = nullptr;
    }
    std::string allowedText;
    for (const auto& a : allowed) allowedText += (allowedText.empty() ? "" : ", ") + a;
    if (!list) {
        errors.push_back({field, "\"" + field + "\" must be a list of " + what + " (" + allowedText + ")"});
        return std::nullopt;
    }
    std::vector<std::string> out;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const Poco::Dynamic::Var v = list->get(static_cast<unsigned>(i));
        const std::string item = v.isString() ? v.extract<std::string>() : std::string();
        if (std::find(allowed.begin(), allowed.end(), item) == allowed.end()) {
            errors.push_back({field, "\"" + item + "\" is not one of the " + what + " (" + allowedText + ")"});
            return std::nullopt;
        }
        if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
    }
    if (out.empty()) {
        errors.push_back({field, "choose at least one of the " + what + " (" + allowedText + ")"});
        return std::nullopt;
    }
    return out;
}

int intParam(const ApiRequest& request, const std::string& name, int fallback, int low, int high) {
    const std::string text = request.param(name);
    if (text.empty()) return fallback;
    if (text.size() > 9 || !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        throw ApiError(400, "\"" + name + "\" must be a whole number", name);
    }
    const int value = std::stoi(text);
    if (value < low || value > high) {
        throw ApiError(400, "\"" + name + "\" must be " + std::to_string(low) + " to " + std::to_string(high), name);
    }
    return value;
}

}  // namespace

std::string sellercloudVerdictLabel(std::string_view verdict) {
    if (verdict == "ok") return "Connected";
    if (verdict == "bad_credentials") return "Wrong user name or password";
    if (verdict == "unknown_team") return "Sellercloud does not know this team name";
    if (verdict == "unknown_server") return "No Sellercloud server at this address";
    if (verdict == "no_network") return "Sellercloud cannot be reached (network)";
    if (verdict == "unavailable") return "Sellercloud is busy or down: try again later";
    if (verdict == "no_permission") return "The user lacks the permission to list companies";
    return "The test failed";
}

ApiReply sellercloudGet(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t companyId = request.idAt(1);
    return ctx.store().read([&](store::Tx& tx) {
        const store::Company company = requireCompany(tx, companyId);
        const auto connection = store::SellercloudConnections(tx.database()).findByCompany(company.id);
        store::AdsAccounts accounts(tx.database());
        store::AdsProfiles profiles(tx.database());
        store::SellercloudMappings mappings(tx.database());
        store::SellercloudSends sends(tx.database());

        // The profiles this company can map: those of its ads accounts and of accounts without a company, plus
        // any profile already mapped through this connection.
        JsonArray list = array();
        for (const auto& account : accounts.list()) {
            const bool ours = !account.companyId || *account.companyId == company.id;
            for (const auto& p : profiles.list(account.id, true)) {
                const auto m = mappings.findByProfile(p.id);
                const bool mappedHere = m && connection && m->connectionId == connection->id;
                if (!mappedHere && (!ours || p.hidden)) continue;
                JsonObject o = object();
                o->set("id", p.id);
                o->set("label", p.label());
                o->set("profile_id", p.info.profileId);
                o->set("account_id", account.id);
                o->set("account_name", account.name);
                o->set("channel", channelOf(account));
                o->set("currency", p.info.currencyCode);
                o->set("company_id", account.companyId ? Poco::Dynamic::Var(*account.companyId) : Poco::Dynamic::Var());
                if (m) {
                    JsonObject mj = object();
                    mj->set("id", m->id);
                    mj->set("connection_id", m->connectionId);
                    mj->set("this_connection", mappedHere);
                    mj->set("sc_company_id", m->scCompanyId);
                    mj->set("sc_company_name", m->scCompanyName);
                    mj->set("ad_products", stringArray(m->adProducts));
                    mj->set("channels", stringArray(m->channels));
                    mj->set("enabled", m->enabled);
                    mj->set("last_sent_date", m->lastSentDate);
                    mj->set("requested_days", m->requestedDays);
                    mj->set("requested_at", m->requestedAt);
                    mj->set("has_sent", !m->lastSentDate.empty() ||
                                            sends.hasWritten(m->connectionId, m->scCompanyId, m->profileRow));
                    o->set("mapping", mj);
                } else {
                    o->set("mapping", Poco::Dynamic::Var());
                }
                list->add(o);
            }
        }
        JsonObject out = object();
        out->set("company_id", company.id);
        out->set("company", company.name);
        out->set("connection", connection ? Poco::Dynamic::Var(connectionJson(*connection)) : Poco::Dynamic::Var());
        out->set("profiles", list);
        out->set("max_send_days", kMaxSendDays);
        return ApiReply::ok(out);
    });
}

ApiReply sellercloudPut(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t companyId = request.idAt(1);
    std::vector<ApiError::FieldError> errors;
    const auto textOf = [&](const std::string& field) -> std::string {
        try {
            return request.optionalText(field).value_or("");
        } catch (const ApiError& e) {
            errors.push_back({field, e.what()});
            return {};
        }
    };
    const auto trim = [](std::string s) {
        while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
        std::size_t i = 0;
        while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
        return s.substr(i);
    };
    const std::string team = trim(textOf("team_name"));
    const std::string serverId = trim(textOf("server_id"));
    const std::string baseUrl = trim(textOf("base_url"));
    const std::string username = trim(textOf("username"));
    const std::string password = textOf("password");

    const int ways = (team.empty() ? 0 : 1) + (serverId.empty() ? 0 : 1) + (baseUrl.empty() ? 0 : 1);
    if (ways == 0) {
        errors.push_back({"team_name", "enter the Sellercloud team name (what you type on Sellercloud's login page) "
                                       "or the server id"});
    } else if (ways > 1) {
        errors.push_back({"team_name", "enter the team name or the server id, not both"});
    }
    if (!team.empty() && (team.size() > 100 || hasControl(team))) {
        errors.push_back({"team_name", "a team name has at most 100 characters and no control characters"});
    }
    if (!serverId.empty()) {
        const bool ok = serverId.size() <= 63 && serverId.front() != '-' && serverId.back() != '-' &&
                        std::all_of(serverId.begin(), serverId.end(), [](char c) {
                            return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
                        });
        if (!ok) {
            errors.push_back({"server_id", "a server id is the first part of your Sellercloud address "
                                           "(xx in xx.cwa.sellercloud.com): letters, digits and hyphens"});
        }
    }
    if (!baseUrl.empty() && ((baseUrl.rfind("https://", 0) != 0 && baseUrl.rfind("http://", 0) != 0) ||
                             baseUrl.size() > 500 || hasControl(baseUrl) ||
                             baseUrl.find(' ') != std::string::npos)) {
        errors.push_back({"base_url", "the REST address must be an https:// URL"});
    }
    if (username.empty()) {
        errors.push_back({"username", "enter the Sellercloud user name"});
    } else if (username.size() > 256 || hasControl(username)) {
        errors.push_back({"username", "a user name has at most 256 characters and no control characters"});
    }
    if (password.size() > 1024 || hasControl(password)) {
        errors.push_back({"password", "a password has at most 1024 characters and no control characters"});
    }
    const auto existing = ctx.store().read([&](store::Tx& tx) {
        requireCompany(tx, companyId);
        return store::SellercloudConnections(tx.database()).findByCompany(companyId);
    });
    if (password.empty() && (!existing || !existing->hasPassword)) {
        errors.push_back({"password", "enter the Sellercloud password"});
    }
    if (!errors.empty()) {
        throw ApiError(400, errors.front().message, errors.front().field).withErrors(errors);
    }

    const store::Timestamp now = ctx.now();
    const store::SecretBox& box = ctx.box();
    const auto saved = ctx.store().write([&](store::Tx& tx) {
        store::SellercloudConnections connections(tx.database());
        store::SellercloudConnection c = existing.value_or(store::SellercloudConnection{});
        const bool fresh = c.id == 0;
        const bool endpointChanged =
            c.teamName != team || c.baseUrl != baseUrl || (!serverId.empty() && c.serverId != serverId);
        c.companyId = companyId;
        if (endpointChanged) {
            c.teamName = team;
            c.serverId = serverId;  // a team name's server is looked up again
            c.baseUrl = baseUrl;
        }
        const bool loginChanged = c.username != username || !password.empty();
        c.username = username;
        if (endpointChanged || loginChanged) {
            c.testVerdict.clear();
            c.testMessage.clear();
            c.testedAt = 0;
        }
        const std::int64_t id = fresh ? connections.create(c, now).id : (connections.update(c, now), c.id);
        if (!password.empty()) connections.setPassword(id, box, password, now);
        // Another server means other products: the cached links go (the ones made by hand stay).
        if (!fresh && endpointChanged) store::SellercloudProducts(tx.database()).dropLinks(id);
        tx.events().add(now, companyId, store::EventLevel::Info,
                        std::string("Sellercloud connection ") + (fresh ? "added" : "changed") + " by " +
                            request.session->userName);
        return *connections.find(id);
    });
    JsonObject out = connectionJson(saved);
    out->set("message", "Saved. Use Test Connection to check the login.");
    return ApiReply::ok(out);
}

ApiReply sellercloudTestPost(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t id = request.idAt(1);
    ctx.store().read([&](store::Tx& tx) { return requireConnection(tx, id); });
    const store::Timestamp now = ctx.now();
    const sellercloud::ConnectionCheck check = ctx.withSellercloud([&](sellercloud::SellercloudPush& push) {
        try {
            return push.test(id, now);
        } catch (const SellercloudError& e) {
            throw upstreamError(e);
        }
    });
    const std::string verdict = sellercloud::verdictName(check.verdict);
    JsonObject out = object();
    out->set("verdict", verdict);
    out->set("verdict_label", sellercloudVerdictLabel(verdict));
    out->set("ok", check.verdict == sellercloud::Verdict::Ok);
    out->set("message", check.message);
    out->set("detail", check.detail);
    out->set("companies", check.companies);
    out->set("tested_at", now);
    return ApiReply::ok(out);
}

ApiReply sellercloudCompaniesGet(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t id = request.idAt(1);
    ctx.store().read([&](store::Tx& tx) { return requireConnection(tx, id); });
    const auto companies = ctx.withSellercloud([&](sellercloud::SellercloudPush& push) {
        try {
            return push.companies(id);
        } catch (const SellercloudError& e) {
            throw upstreamError(e);
        } catch (const store::StoreError& e) {
            throw ApiError(409, std::string("the connection cannot log in: ") + e.what());
        }
    });
    JsonArray list = array();
    for (const auto& c : companies) {
        JsonObject o = object();
        o->set("id", c.id);
        o->set("name", c.name);
        o->set("is_default", c.isDefault);
        o->set("disabled", c.disabled);
        list->add(o);
    }
    JsonObject out = object();
    out->set("connection_id", id);
    out->set("companies", list);
    return ApiReply::ok(out);
}

ApiReply sellercloudMappingPut(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t connectionId = request.idAt(1);
    const std::int64_t profileRow = request.idAt(3);
    std::vector<ApiError::FieldError> errors;
    std::optional<std::int64_t> scCompanyId;
    try {
        scCompanyId = request.optionalInt("sc_company_id");
        if (!scCompanyId || *scCompanyId <= 0) {
            errors.push_back({"sc_company_id", "choose the Sellercloud company from the list"});
        }
    } catch (const ApiError& e) {
        errors.push_back({"sc_company_id", e.what()});
    }
    sellercloud::MapRequest map;
    map.adProducts = wordList(request, "ad_products", {"SP", "SD", "SB", "WALMART"}, "ad products", errors);
    map.channels = wordList(request, "channels", {"amazon", "walmart"}, "channels", errors);
    try {
        map.confirm = request.optionalBool("confirm").value_or(false);
    } catch (const ApiError& e) {
        errors.push_back({"confirm", e.what()});
    }
    if (!errors.empty()) throw ApiError(400, errors.front().message, errors.front().field).withErrors(errors);

    ctx.store().read([&](store::Tx& tx) {
        if (!store::AdsProfiles(tx.database()).find(profileRow)) {
            throw ApiError(404, "no ads profile with id " + std::to_string(profileRow));
        }
        requireConnection(tx, connectionId);
    });
    map.profileRow = profileRow;
    map.connectionId = connectionId;
    map.scCompanyId = *scCompanyId;
    const store::Timestamp now = ctx.now();

    struct Outcome {
        sellercloud::MapResult result;
        std::string newCompanyName;
    };
    const Outcome outcome = ctx.withSellercloud([&](sellercloud::SellercloudPush& push) {
        Outcome o;
        try {
            o.result = push.map(map, now);
            if (o.result.outcome == sellercloud::MapResult::Outcome::NeedsConfirmation) {
                for (const auto& c : push.companies(connectionId)) {
                    if (c.id == map.scCompanyId) o.newCompanyName = c.name;
                }
            }
        } catch (const SellercloudError& e) {
            if (e.kind() == SellercloudError::Kind::Config && e.operation() == "companies") {
                throw ApiError(400, "Sellercloud has no company with id " + std::to_string(map.scCompanyId) +
                                        ": choose one from the list",
                               "sc_company_id");
            }
            if (e.kind() == SellercloudError::Kind::Config) throw ApiError(409, e.what(), "sc_company_id");
            throw upstreamError(e);
        } catch (const store::StoreError& e) {
            throw ApiError(409, std::string("the connection cannot log in: ") + e.what());
        }
        return o;
    });
    const sellercloud::MapResult& result = outcome.result;
    using O = sellercloud::MapResult::Outcome;
    if (result.outcome == O::NeedsConfirmation) {
        const std::string label = ctx.store().read([&](store::Tx& tx) {
            return store::AdsProfiles(tx.database()).find(profileRow)->label();
        });
        const std::string newName = outcome.newCompanyName.empty() ? "company " + std::to_string(map.scCompanyId)
                                                                     : outcome.newCompanyName;
        JsonObject o = object();
        o->set("error", label + " already sent ad spend to the Sellercloud company " + result.mapping.scCompanyName +
                            ". Sending it to " + newName + " as well may create duplicate data. Confirm the remap to "
                            "clear what it wrote to " + result.mapping.scCompanyName +
                            "'s products first; nothing was changed.");
        o->set("field", "confirm");
        o->set("errors", array());
        o->set("needs_confirmation", true);
        o->set("profile_id", profileRow);
        o->set("from_company_id", result.mapping.scCompanyId);
        o->set("from_company_name", result.mapping.scCompanyName);
        o->set("to_company_id", map.scCompanyId);
        o->set("to_company_name", newName);
        ApiReply reply = ApiReply::ok(o);
        reply.status = 409;
        return reply;
    }
    if (result.outcome == O::ClearFailed) {
        throw ApiError(502, result.message, "confirm");
    }
    JsonObject out = object();
    out->set("outcome", result.outcome == O::Mapped ? "mapped" : result.outcome == O::Updated ? "updated" : "remapped");
    out->set("message", result.message);
    out->set("cleared_products", result.clearedProducts);
    JsonObject m = object();
    m->set("id", result.mapping.id);
    m->set("profile_id", result.mapping.profileRow);
    m->set("connection_id", result.mapping.connectionId);
    m->set("sc_company_id", result.mapping.scCompanyId);
    m->set("sc_company_name", result.mapping.scCompanyName);
    m->set("ad_products", stringArray(result.mapping.adProducts));
    m->set("channels", stringArray(result.mapping.channels));
    m->set("last_sent_date", result.mapping.lastSentDate);
    out->set("mapping", m);
    return ApiReply::ok(out);
}

ApiReply sellercloudSendPost(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t connectionId = request.idAt(1);
    const auto days = request.optionalInt("days");
    if (!days || *days < 1 || *days > kMaxSendDays) {
        throw ApiError(400, "send the last 1 to 95 days (Amazon keeps Sponsored Products data 95 days)", "days");
    }
    const auto profileRow = request.optionalInt("profile_id");
    std::optional<std::string> channel = request.optionalText("channel");
    if (channel && channel->empty()) channel.reset();
    if (channel && *channel != "amazon" && *channel != "walmart") {
        throw ApiError(400, "the channel is amazon or walmart (or leave it empty for both)", "channel");
    }
    ctx.store().read([&](store::Tx& tx) {
        requireConnection(tx, connectionId);
        if (profileRow) {
            const auto m = store::SellercloudMappings(tx.database()).findByProfile(*profileRow);
            if (!m || m->connectionId != connectionId) {
                throw ApiError(409, "this profile is not mapped to a Sellercloud company of this connection: map it "
                                    "first", "profile_id");
            }
        }
    });
    int asked = 0;
    try {
        asked = ctx.withSellercloud([&](sellercloud::SellercloudPush& push) {
            return push.requestSend(connectionId, profileRow, channel, static_cast<int>(*days), ctx.now());
        });
    } catch (const SellercloudError& e) {
        throw ApiError(400, e.what(), "days");
    }
    if (asked == 0) {
        throw ApiError(409, channel ? "no profile of the " + *channel + " channel is mapped to a Sellercloud company"
                                    : std::string("no profile is mapped to a Sellercloud company yet: map one first"),
                       channel ? "channel" : "profile_id");
    }
    ctx.store().write([&](store::Tx& tx) {
        const auto c = requireConnection(tx, connectionId);
        tx.events().add(ctx.now(), c.companyId, store::EventLevel::Info,
                        "Sellercloud: send the last " + std::to_string(*days) + " days requested by " +
                            request.session->userName);
    });
    JsonObject out = object();
    out->set("requested", asked);
    out->set("days", *days);
    out->set("message", "The daemon sends the last " + std::to_string(*days) + " days of " + std::to_string(asked) +
                            (asked == 1 ? " profile" : " profiles") + " within a minute; the log shows the result.");
    return ApiReply::ok(out);
}

ApiReply sellercloudSendsGet(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t connectionId = request.idAt(1);
    const std::string status = request.param("status");
    if (!status.empty() && !store::parseSendStatus(status)) {
        throw ApiError(400, "status is running, ok, partial or failed", "status");
    }
    const std::string kind = request.param("kind");
    if (!kind.empty() && !store::parseSendKind(kind)) throw ApiError(400, "kind is daily, manual or clear", "kind");
    const int profile = intParam(request, "profile", 0, 0, 999'999'999);
    const int before = intParam(request, "before", 0, 0, 999'999'999);
    const int limit = intParam(request, "limit", 50, 1, 200);
    const std::string q = lower(request.param("q"));
    return ctx.store().read([&](store::Tx& tx) {
        requireConnection(tx, connectionId);
        JsonArray list = array();
        bool more = false;
        std::int64_t nextBefore = 0;
        int taken = 0;
        for (const auto& s : store::SellercloudSends(tx.database()).recent(connectionId, kLogWindow)) {
            if (before > 0 && s.id >= before) continue;
            if (!status.empty() && store::toString(s.status) != status) continue;
            if (!kind.empty() && store::toString(s.kind) != kind) continue;
            if (profile > 0) {
                const auto rows = store::splitList(s.profileRows);
                if (std::find(rows.begin(), rows.end(), std::to_string(profile)) == rows.end()) continue;
            }
            if (!q.empty() && !contains(s.profiles, q) && !contains(s.scCompanyName, q) && !contains(s.message, q)) continue;
            if (taken == limit) {
                more = true;
                break;
            }
            list->add(sendJson(s));
            nextBefore = s.id;
            ++taken;
        }
        JsonObject out = object();
        out->set("connection_id", connectionId);
        out->set("sends", list);
        out->set("more", more);
        out->set("next_before", more ? nextBefore : 0);
        return ApiReply::ok(out);
    });
}

ApiReply sellercloudSendGet(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t sendId = request.idAt(2);
    const std::string status = request.param("status");
    if (!status.empty() && !store::parseRecordStatus(status)) {
        throw ApiError(400, "status is written, unmatched, ambiguous, failed or cleared", "status");
    }
    const int offset = intParam(request, "offset", 0, 0, 10'000'000);
    const int limit = intParam(request, "limit", 100, 1, 500);
    const std::string q = lower(request.param("q"));
    return ctx.store().read([&](store::Tx& tx) {
        store::SellercloudSends sends(tx.database());
        const auto send = sends.find(sendId);
        if (!send) throw ApiError(404, "no Sellercloud send with id " + std::to_string(sendId));
        std::map<std::string, int> counts;
        JsonArray list = array();
        int matching = 0;
        for (const auto& r : sends.records(sendId)) {
            ++counts[std::string(store::toString(r.status))];
            if (!status.empty() && store::toString(r.status) != status) continue;
            if (!q.empty() && !contains(r.sku, q) && !contains(r.asin, q) && !contains(r.productId, q) &&
                !contains(r.error, q)) {
                continue;
            }
            if (matching >= offset && matching < offset + limit) list->add(recordJson(r, send->currency));
            ++matching;
        }
        JsonObject countJson = object();
        for (const char* s : {"written", "unmatched", "ambiguous", "failed", "cleared"}) countJson->set(s, counts[s]);
        JsonObject out = object();
        out->set("send", sendJson(*send));
        out->set("counts", countJson);
        out->set("total", matching);
        out->set("offset", offset);
        out->set("limit", limit);
        out->set("records", list);
        return ApiReply::ok(out);
    });
}

}  // namespace settlebridge::admin
