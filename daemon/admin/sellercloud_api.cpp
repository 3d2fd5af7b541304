#include "daemon/admin/sellercloud_api.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "daemon/admin/home_api.hpp"
#include "daemon/sellercloud/errors.hpp"
#include "daemon/sellercloud/linker.hpp"
#include "daemon/store/ads_accounts.hpp"
#include "daemon/store/sellercloud_connections.hpp"
#include "daemon/store/sellercloud_mappings.hpp"
#include "daemon/store/sellercloud_products.hpp"
#include "daemon/store/sellercloud_sends.hpp"
#include "daemon/store/sellercloud_settings.hpp"

namespace settlebridge::admin {

namespace {

using sellercloud::SellercloudError;

constexpr int kMaxSendDays = 95;

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
    for (const auto& f : store::sellercloudColumnFields()) o->set(std::string(f.field), c.columns.*(f.member));
    o->set("link_rules", stringArray(c.linkRules));
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
        out->set("link_rule_names", stringArray(sellercloud::allLinkRuleNames()));
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
    store::SellercloudLogin login;
    login.teamName = textOf("team_name");
    login.serverId = textOf("server_id");
    login.baseUrl = textOf("base_url");
    login.username = textOf("username");
    login.password = textOf("password");
    const auto existing = ctx.store().read([&](store::Tx& tx) {
        requireCompany(tx, companyId);
        return store::SellercloudConnections(tx.database()).findByCompany(companyId);
    });
    // The same rules as the CLI's `sellercloud connect` (store/sellercloud_settings.hpp).
    for (auto& problem : store::checkSellercloudLogin(login, existing)) {
        errors.push_back({problem.field, problem.message});
    }
    if (!errors.empty()) {
        throw ApiError(400, errors.front().message, errors.front().field).withErrors(errors);
    }

    const store::Timestamp now = ctx.now();
    const store::SecretBox& box = ctx.box();
    const auto saved = ctx.store().write([&](store::Tx& tx) {
        // Saved in one transaction with what the daemon may have changed since the check above.
        const store::SellercloudLoginSaved result = store::saveSellercloudLogin(tx.database(), box, companyId, login, now);
        if (result.refused) throw ApiError(409, result.refused->message, result.refused->field);
        tx.events().add(now, companyId, store::EventLevel::Info,
                        std::string("Sellercloud connection ") + (result.added ? "added" : "changed") + " by " +
                            request.session->userName);
        return result.connection;
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
    ctx.store().write([&](store::Tx& tx) {
        const auto c = requireConnection(tx, connectionId);
        // A remap is in the log already (SellercloudPush::map); who asked for it is added here for every outcome.
        tx.events().add(now, c.companyId, store::EventLevel::Info,
                        "Sellercloud: " + result.message + " (" +
                            (result.outcome == O::Mapped ? "mapped" : result.outcome == O::Updated ? "changed" : "remapped") +
                            " by " + request.session->userName + ")");
    });
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

ApiReply sellercloudMappingDelete(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t connectionId = request.idAt(1);
    const std::int64_t profileRow = request.idAt(3);
    const bool clear = request.optionalBool("clear").value_or(true);
    ctx.store().read([&](store::Tx& tx) {
        requireConnection(tx, connectionId);
        const auto m = store::SellercloudMappings(tx.database()).findByProfile(profileRow);
        if (!m || m->connectionId != connectionId) {
            throw ApiError(404, "ads profile " + std::to_string(profileRow) +
                                    " is not mapped to a Sellercloud company of this connection");
        }
    });
    const store::Timestamp now = ctx.now();
    const sellercloud::UnmapResult result = ctx.withSellercloud([&](sellercloud::SellercloudPush& push) {
        try {
            return push.unmap(profileRow, clear, now);
        } catch (const SellercloudError& e) {
            throw upstreamError(e);
        } catch (const store::StoreError& e) {
            throw ApiError(409, std::string("the connection cannot log in: ") + e.what() +
                                    " (or delete the mapping without clearing)",
                           "clear");
        }
    });
    if (result.outcome == sellercloud::UnmapResult::Outcome::ClearFailed) {
        // Nothing was deleted; the page offers to delete without clearing.
        throw ApiError(502, result.message, "clear");
    }
    ctx.store().write([&](store::Tx& tx) {
        const auto c = requireConnection(tx, connectionId);
        tx.events().add(now, c.companyId, store::EventLevel::Info,
                        "Sellercloud: " + result.message + " (mapping deleted by " + request.session->userName + ")");
    });
    JsonObject out = object();
    out->set("outcome", "deleted");
    out->set("message", result.message);
    out->set("profile_id", profileRow);
    out->set("sc_company_id", result.mapping.scCompanyId);
    out->set("sc_company_name", result.mapping.scCompanyName);
    out->set("had_sent", result.hadSent);
    out->set("cleared", result.hadSent && clear);
    out->set("cleared_products", result.clearedProducts);
    return ApiReply::ok(out);
}

ApiReply sellercloudSettingsPut(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t connectionId = request.idAt(1);
    // What the request asks for; the column names are checked below together with the stored ones they join.
    std::vector<ApiError::FieldError> columnErrors;
    std::vector<std::optional<std::string>> names;
    for (const auto& f : store::sellercloudColumnFields()) {
        try {
            names.push_back(request.optionalText(std::string(f.field)));
        } catch (const ApiError& e) {
            names.emplace_back();
            columnErrors.push_back({std::string(f.field), e.what()});
        }
    }
    std::vector<ApiError::FieldError> otherErrors;
    std::optional<int> sendHour;
    try {
        if (const auto hour = request.optionalInt("send_hour")) {
            if (const auto problem = store::checkSellercloudSendHour(*hour)) {
                otherErrors.push_back({problem->field, problem->message});
            } else {
                sendHour = static_cast<int>(*hour);
            }
        }
    } catch (const ApiError&) {
        otherErrors.push_back({"send_hour", store::checkSellercloudSendHour(-1)->message});
    }
    std::optional<std::vector<std::string>> linkRules;
    if (request.has("link_rules")) {
        Poco::JSON::Array::Ptr list;
        try {
            list = request.body->getArray("link_rules");
        } catch (const Poco::Exception&) {
            list = nullptr;
        }
        std::vector<std::string> rules;
        bool texts = list != nullptr;
        for (std::size_t i = 0; texts && i < list->size(); ++i) {
            const Poco::Dynamic::Var v = list->get(static_cast<unsigned>(i));
            texts = v.isString();
            if (texts) rules.push_back(v.extract<std::string>());
        }
        if (!texts) {
            otherErrors.push_back({"link_rules", "the product linking rules must be a list of rule names"});
        } else {
            try {
                (void)sellercloud::parseLinkRules(rules);  // the CLI's rules: known names, each once, at least one
                linkRules = rules;
            } catch (const SellercloudError& e) {
                otherErrors.push_back({"link_rules", rules.empty() ? std::string("choose at least one product linking rule")
                                                                   : std::string(e.what())});
            }
        }
    }

    const store::Timestamp now = ctx.now();
    struct Saved {
        store::SellercloudConnection connection;
        std::vector<std::string> changes;
        int droppedLinks = 0;
    };
    // Checked and written in one transaction over the latest row (the daemon keeps its sync state in it); any
    // problem throws before anything is written.
    const Saved saved = ctx.store().write([&](store::Tx& tx) {
        store::SellercloudConnections connections(tx.database());
        store::SellercloudConnection c = requireConnection(tx, connectionId);
        store::SellercloudColumns columns = c.columns;
        const auto& fields = store::sellercloudColumnFields();
        for (std::size_t i = 0; i < fields.size(); ++i) {
            if (names[i]) columns.*(fields[i].member) = *names[i];
        }
        std::vector<ApiError::FieldError> errors = columnErrors;
        for (const auto& problem : store::checkSellercloudColumns(columns)) errors.push_back({problem.field, problem.message});
        errors.insert(errors.end(), otherErrors.begin(), otherErrors.end());
        if (!errors.empty()) throw ApiError(400, errors.front().message, errors.front().field).withErrors(errors);

        Saved out;
        for (const auto& f : fields) {
            std::string& name = c.columns.*(f.member);
            const std::string& wanted = columns.*(f.member);
            if (name == wanted) continue;
            out.changes.push_back(std::string(f.label) + " \"" + name + "\" -> \"" + wanted + "\"");
            name = wanted;
        }
        if (sendHour && *sendHour != c.sendHour) {
            out.changes.push_back("daily send hour " + std::to_string(c.sendHour) + " -> " + std::to_string(*sendHour));
            c.sendHour = *sendHour;
        }
        const bool rulesChanged = linkRules && *linkRules != c.linkRules;
        if (rulesChanged) {
            out.changes.push_back("linking rules " + store::joinList(c.linkRules) + " -> " + store::joinList(*linkRules));
            c.linkRules = *linkRules;
        }
        if (out.changes.empty()) {
            out.connection = c;
            return out;
        }
        connections.update(c, now);
        // As the CLI does: other rules link other products, so the cached links go (the ones made by hand stay).
        if (rulesChanged) out.droppedLinks = store::SellercloudProducts(tx.database()).dropLinks(connectionId);
        std::string summary;
        for (const auto& change : out.changes) summary += (summary.empty() ? "" : "; ") + change;
        tx.events().add(now, c.companyId, store::EventLevel::Info,
                        "Sellercloud settings changed by " + request.session->userName + ": " + summary);
        out.connection = *connections.find(connectionId);
        return out;
    });
    JsonObject out = connectionJson(saved.connection);
    std::string message = saved.changes.empty() ? "Nothing changed." : "Saved. The next send uses these settings.";
    if (saved.droppedLinks > 0) {
        message += " " + std::to_string(saved.droppedLinks) +
                   " cached product links were dropped: the SKUs are linked again by the new rules at the next send.";
    }
    out->set("message", message);
    out->set("changes", stringArray(saved.changes));
    return ApiReply::ok(out);
}

namespace {

JsonObject manualLinkJson(std::int64_t scCompanyId, const store::SellercloudLink& l) {
    JsonObject o = object();
    o->set("sc_company_id", scCompanyId);
    o->set("sku", l.sku);
    o->set("product_id", l.productId);
    o->set("linked_at", l.linkedAt);
    return o;
}

/// The "sc_company_id" of a links request; every problem into `errors`.
std::int64_t scCompanyOf(const ApiRequest& request, std::vector<ApiError::FieldError>& errors) {
    try {
        if (const auto id = request.optionalInt("sc_company_id")) return *id;
    } catch (const ApiError&) {
    }
    errors.push_back({"sc_company_id", "choose the Sellercloud company"});
    return 0;
}

std::string textOf(const ApiRequest& request, const std::string& field, std::vector<ApiError::FieldError>& errors) {
    try {
        return request.optionalText(field).value_or("");
    } catch (const ApiError& e) {
        errors.push_back({field, e.what()});
        return {};
    }
}

}  // namespace

ApiReply sellercloudLinksGet(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t connectionId = request.idAt(1);
    return ctx.store().read([&](store::Tx& tx) {
        requireConnection(tx, connectionId);
        JsonArray list = array();
        for (const auto& m : store::SellercloudProducts(tx.database()).manualLinks(connectionId)) {
            list->add(manualLinkJson(m.scCompanyId, m.link));
        }
        JsonObject out = object();
        out->set("connection_id", connectionId);
        out->set("links", list);
        return ApiReply::ok(out);
    });
}

ApiReply sellercloudLinkPut(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t connectionId = request.idAt(1);
    std::vector<ApiError::FieldError> errors;
    const std::string sku = textOf(request, "sku", errors);
    const std::string productId = textOf(request, "product_id", errors);
    const std::int64_t scCompanyId = scCompanyOf(request, errors);
    if (errors.empty()) {
        for (const auto& problem : store::checkSellercloudManualLink(sku, productId, scCompanyId)) {
            errors.push_back({problem.field, problem.message});
        }
    }
    if (!errors.empty()) throw ApiError(400, errors.front().message, errors.front().field).withErrors(errors);
    const store::Timestamp now = ctx.now();
    store::SellercloudLink link;
    link.sku = sku;
    link.productId = productId;
    link.rule = "manual";
    link.linkedAt = now;
    ctx.store().write([&](store::Tx& tx) {
        const auto c = requireConnection(tx, connectionId);
        store::SellercloudProducts(tx.database()).saveLink(connectionId, scCompanyId, link);
        tx.events().add(now, c.companyId, store::EventLevel::Info,
                        "Sellercloud: SKU " + sku + " linked by hand to product " + productId + " of company " +
                            std::to_string(scCompanyId) + " by " + request.session->userName);
    });
    JsonObject out = object();
    out->set("link", manualLinkJson(scCompanyId, link));
    out->set("message", "SKU " + sku + " is linked to product " + productId + " from the next send on.");
    return ApiReply::ok(out);
}

ApiReply sellercloudLinkDelete(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t connectionId = request.idAt(1);
    std::vector<ApiError::FieldError> errors;
    const std::string sku = textOf(request, "sku", errors);
    const std::int64_t scCompanyId = scCompanyOf(request, errors);
    if (!errors.empty()) throw ApiError(400, errors.front().message, errors.front().field).withErrors(errors);
    const store::Timestamp now = ctx.now();
    ctx.store().write([&](store::Tx& tx) {
        const auto c = requireConnection(tx, connectionId);
        store::SellercloudProducts products(tx.database());
        const auto link = products.link(connectionId, scCompanyId, sku);
        if (!link || link->rule != "manual") {
            throw ApiError(404, "SKU " + sku + " has no link made by hand for Sellercloud company " +
                                    std::to_string(scCompanyId), "sku");
        }
        products.dropLink(connectionId, scCompanyId, sku);
        tx.events().add(now, c.companyId, store::EventLevel::Info,
                        "Sellercloud: the link of SKU " + sku + " to product " + link->productId + " deleted by " +
                            request.session->userName);
    });
    JsonObject out = object();
    out->set("deleted", 1);
    out->set("message", "SKU " + sku + " is linked by the rules again from the next send on.");
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
    store::SendFilter filter;
    filter.connectionId = connectionId;
    if (const std::string status = request.param("status"); !status.empty()) {
        filter.status = store::parseSendStatus(status);
        if (!filter.status) throw ApiError(400, "status is running, ok, partial or failed", "status");
    }
    if (const std::string kind = request.param("kind"); !kind.empty()) {
        filter.kind = store::parseSendKind(kind);
        if (!filter.kind) throw ApiError(400, "kind is daily, manual or clear", "kind");
    }
    filter.profileRow = request.queryInt("profile", 1, 999'999'999'999);
    filter.text = request.param("q");
    if (filter.text.size() > 200) throw ApiError(400, "the search text can have at most 200 characters", "q");
    const LogPaging paging = logPaging(request, 50, 200);
    applyPaging(filter, paging);
    return ctx.store().read([&](store::Tx& tx) {
        requireConnection(tx, connectionId);
        auto found = store::SellercloudSends(tx.database()).search(filter);
        const bool more = takePage(found, paging);
        JsonArray list = array();
        for (const auto& s : found) list->add(sendJson(s));
        JsonObject out = object();
        out->set("connection_id", connectionId);
        out->set("sends", list);
        setPaging(out, paging, more, found.empty() ? 0 : found.back().id);
        return ApiReply::ok(out);
    });
}

ApiReply sellercloudSendGet(SiteContext& ctx, const ApiRequest& request) {
    const std::int64_t sendId = request.idAt(2);
    store::RecordFilter filter;
    if (const std::string status = request.param("status"); !status.empty()) {
        filter.status = store::parseRecordStatus(status);
        if (!filter.status) throw ApiError(400, "status is written, unmatched, ambiguous, failed or cleared", "status");
    }
    filter.text = request.param("q");
    if (filter.text.size() > 200) throw ApiError(400, "the search text can have at most 200 characters", "q");
    filter.offset = static_cast<int>(request.queryInt("offset", 0, 10'000'000).value_or(0));
    filter.limit = static_cast<int>(request.queryInt("limit", 1, 500).value_or(100));
    return ctx.store().read([&](store::Tx& tx) {
        store::SellercloudSends sends(tx.database());
        const auto send = sends.find(sendId);
        if (!send) throw ApiError(404, "no Sellercloud send with id " + std::to_string(sendId));
        JsonObject countJson = object();
        for (const char* name : {"written", "unmatched", "ambiguous", "failed", "cleared"}) countJson->set(name, 0);
        for (const auto& [status, n] : sends.recordCounts(sendId)) countJson->set(std::string(store::toString(status)), n);
        JsonArray list = array();
        for (const auto& r : sends.records(sendId, filter)) list->add(recordJson(r, send->currency));
        JsonObject out = object();
        out->set("send", sendJson(*send));
        out->set("counts", countJson);
        out->set("total", sends.countRecords(sendId, filter));
        out->set("offset", filter.offset);
        out->set("limit", filter.limit);
        out->set("records", list);
        return ApiReply::ok(out);
    });
}

}  // namespace settlebridge::admin
