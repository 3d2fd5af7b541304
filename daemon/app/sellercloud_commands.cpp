#include "daemon/app/sellercloud_commands.hpp"

#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>

#include "daemon/app/arguments.hpp"
#include "daemon/app/cli.hpp"
#include "daemon/app/json_writer.hpp"
#include "daemon/app/service.hpp"
#include "daemon/app/settings.hpp"
#include "daemon/sellercloud/errors.hpp"
#include "daemon/sellercloud/linker.hpp"
#include "daemon/sellercloud/push.hpp"
#include "daemon/common/money.hpp"
#include "daemon/store/ads_accounts.hpp"
#include "daemon/store/secrets.hpp"
#include "daemon/store/sellercloud_connections.hpp"
#include "daemon/store/sellercloud_mappings.hpp"
#include "daemon/store/sellercloud_products.hpp"
#include "daemon/store/sellercloud_sends.hpp"
#include "daemon/store/sellercloud_settings.hpp"

namespace settlebridge::app {

namespace {

using sellercloud::SellercloudError;

/// The password: $SETTLEBRIDGE_SELLERCLOUD_PASSWORD, else the first line of standard input; "" (keep the stored
/// one) when standard input has none and a password is stored. Never argv.
std::string readSecret(std::istream& in, bool passwordStored) {
    if (const char* env = std::getenv("SETTLEBRIDGE_SELLERCLOUD_PASSWORD"); env != nullptr && *env != '\0') return env;
    std::string line;
    if (!std::getline(in, line)) {
        if (passwordStored) return {};
        throw BadInput("no password: set SETTLEBRIDGE_SELLERCLOUD_PASSWORD or give it on the first line of standard input");
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() && !passwordStored) throw BadInput("the Sellercloud password is empty");
    return line;
}

/// The daemon's defaults, with the simulator overrides tests and the demo use.
sellercloud::PushOptions pushOptions() {
    sellercloud::PushOptions o;
    if (const char* v = std::getenv("SETTLEBRIDGE_SELLERCLOUD_LOOKUP_URL"); v != nullptr && *v != '\0') o.teamLookupUrl = v;
    if (const char* v = std::getenv("SETTLEBRIDGE_SELLERCLOUD_BASE_TEMPLATE"); v != nullptr && *v != '\0') o.baseUrlTemplate = v;
    o.retry.maxAttempts = 4;
    o.retry.baseDelay = std::chrono::milliseconds(1000);
    return o;
}

int intOption(const Arguments& a, const std::string& name, int low, int high) {
    const std::string text = a.get(name);
    try {
        std::size_t used = 0;
        const int value = std::stoi(text, &used);
        if (used != text.size() || value < low || value > high) throw std::out_of_range(name);
        return value;
    } catch (const std::exception&) {
        throw UsageError("--" + name + " must be a number from " + std::to_string(low) + " to " + std::to_string(high));
    }
}

struct Context {
    explicit Context(const Arguments& a)
        : service(dataDirOf(a)), box(service.secretBox()) {}
    Service service;
    store::SecretBox box;
};

store::SellercloudConnection connectionOf(Context& ctx, const store::Company& company) {
    const auto c = ctx.service.store().read(
        [&](store::Tx& tx) { return store::SellercloudConnections(tx.database()).findByCompany(company.id); });
    if (!c) throw ServiceError("company \"" + company.name + "\" has no Sellercloud connection (sellercloud connect)");
    return *c;
}

std::string requireCompany(const Arguments& a) {
    if (!a.has("company") || a.get("company").empty()) throw UsageError("--company NAME is required");
    return a.get("company");
}

/// PROFILE: an Amazon Ads profile id / Walmart advertiser id, or "#ROW" (the profile's row id).
std::int64_t profileRowOf(Context& ctx, const std::string& text) {
    return ctx.service.store().read([&](store::Tx& tx) {
        store::AdsProfiles profiles(tx.database());
        if (!text.empty() && text[0] == '#') {
            try {
                const std::int64_t row = std::stoll(text.substr(1));
                if (profiles.find(row)) return row;
            } catch (const std::exception&) {
            }
            throw ServiceError("no ads profile " + text);
        }
        const auto found = profiles.findByProfileIdAnyAccount(text);
        if (found.empty()) throw ServiceError("no ads profile " + text + " (see ads profiles)");
        if (found.size() > 1) throw ServiceError("profile id " + text + " is in several ads accounts: use #ROW");
        return std::int64_t{found.front().id};
    });
}

int verdictExit(const sellercloud::ConnectionCheck& check, std::ostream& out, bool json) {
    if (json) {
        JsonWriter w(out);
        w.beginObject().key("format_version").value(1).key("verdict").value(sellercloud::verdictName(check.verdict));
        w.key("message").value(check.message).key("rest_base").value(check.restBase).key("server_id").value(check.serverId);
        w.key("companies").value(check.companies).endObject();
        out << "\n";
    } else {
        out << sellercloud::verdictName(check.verdict) << ": " << check.message << "\n";
    }
    return check.verdict == sellercloud::Verdict::Ok ? kExitOk : kExitFailure;
}

int connect(const Arguments& a, std::istream& in, std::ostream& out) {
    const std::string companyName = requireCompany(a);
    store::SellercloudLogin login;
    login.teamName = a.get("team");
    login.serverId = a.get("server-id");
    login.baseUrl = a.get("base-url");
    login.username = a.get("username");
    Context ctx(a);
    const store::Company company = ctx.service.company(companyName);
    const auto existing = ctx.service.store().read(
        [&](store::Tx& tx) { return store::SellercloudConnections(tx.database()).findByCompany(company.id); });
    const bool passwordStored = existing && existing->hasPassword;
    login.password = readSecret(in, passwordStored);
    // The same rules as the admin page's connection form (store/sellercloud_settings.hpp), named as on this command
    // line; the same reconnect rule too.
    const std::map<std::string, std::string> options{{"team_name", "--team"}, {"server_id", "--server-id"},
                                                     {"base_url", "--base-url"}, {"username", "--username"},
                                                     {"password", "the password"}};
    if (const auto problems = store::checkSellercloudLogin(login, existing); !problems.empty()) {
        throw BadInput(options.at(problems.front().field) + ": " + problems.front().message);
    }
    const auto now = nowSeconds();
    const store::SellercloudLoginSaved saved = ctx.service.store().write([&](store::Tx& tx) {
        const auto result = store::saveSellercloudLogin(tx.database(), ctx.box, company.id, login, now);
        if (result.refused) throw BadInput(options.at(result.refused->field) + ": " + result.refused->message);
        tx.events().add(now, company.id, store::EventLevel::Info,
                        std::string("Sellercloud connection ") + (result.added ? "added" : "changed") + " from the command line");
        return result;
    });
    out << "Sellercloud connection " << (saved.added ? "stored" : "changed") << " for \"" << company.name << "\"";
    if (saved.linksDropped > 0) out << "; " << saved.linksDropped << " cached product links dropped (another server)";
    out << "\n";
    sellercloud::SellercloudPush push(ctx.service.store(), ctx.box, pushOptions());
    return verdictExit(push.test(saved.connection.id, nowSeconds()), out, false);
}

int mapCommand(const Arguments& a, std::ostream& out) {
    if (a.positional().size() != 2) throw UsageError("map needs PROFILE and COMPANY_ID");
    Context ctx(a);
    const auto conn = connectionOf(ctx, ctx.service.company(requireCompany(a)));
    sellercloud::MapRequest r;
    r.profileRow = profileRowOf(ctx, a.positional()[0]);
    r.connectionId = conn.id;
    try {
        r.scCompanyId = std::stoll(a.positional()[1]);
    } catch (const std::exception&) {
        throw UsageError("COMPANY_ID is Sellercloud's company id (see sellercloud companies)");
    }
    if (a.has("ad-products")) r.adProducts = store::splitList(a.get("ad-products"));
    if (a.has("channels")) r.channels = store::splitList(a.get("channels"));
    r.confirm = a.has("confirm");
    sellercloud::SellercloudPush push(ctx.service.store(), ctx.box, pushOptions());
    const auto result = push.map(r, nowSeconds());
    switch (result.outcome) {
        case sellercloud::MapResult::Outcome::NeedsConfirmation:
            out << "warning: " << result.message << "\n";
            return kExitUnreconciled;
        case sellercloud::MapResult::Outcome::ClearFailed:
            out << "error: " << result.message << "\n";
            return kExitFailure;
        default:
            out << result.message << "\n";
            if (result.outcome == sellercloud::MapResult::Outcome::Mapped) {
                out << "daily sends start tomorrow; `sellercloud send --days N` backfills the last N days now\n";
            }
            return kExitOk;
    }
}

int linkRules(const Arguments& a, std::ostream& out) {
    Context ctx(a);
    auto conn = connectionOf(ctx, ctx.service.company(requireCompany(a)));
    if (a.positional().size() > 1) throw UsageError("link-rules takes one comma-separated list");
    if (a.positional().size() == 1) {
        const auto names = store::splitList(a.positional()[0]);
        sellercloud::parseLinkRules(names);  // validates
        const int dropped = ctx.service.store().write([&](store::Tx& tx) {
            conn.linkRules = names;
            store::SellercloudConnections(tx.database()).update(conn, nowSeconds());
            return store::SellercloudProducts(tx.database()).dropLinks(conn.id);
        });
        out << "linking rules set; " << dropped << " cached links dropped (linked again at the next send)\n";
    }
    out << store::joinList(conn.linkRules) << "\n";
    return kExitOk;
}

int columns(const Arguments& a, std::ostream& out) {
    Context ctx(a);
    auto conn = connectionOf(ctx, ctx.service.company(requireCompany(a)));
    bool changed = false;
    auto set = [&](const char* option, std::string& field) {
        if (a.has(option)) {
            field = a.get(option);
            changed = true;
        }
    };
    set("day", conn.columns.spendDay);
    set("7d", conn.columns.spend7d);
    set("30d", conn.columns.spend30d);
    set("sales", conn.columns.sales30d);
    set("acos", conn.columns.acos30d);
    if (a.has("send-hour")) {
        const std::string text = a.get("send-hour");
        std::int64_t hour = -1;  // not a whole number: refused below like an hour out of range
        try {
            std::size_t used = 0;
            hour = std::stoll(text, &used);
            if (used != text.size()) hour = -1;
        } catch (const std::exception&) {
        }
        if (const auto problem = store::checkSellercloudSendHour(hour)) throw BadInput("--send-hour: " + problem->message);
        conn.sendHour = static_cast<int>(hour);
        changed = true;
    }
    // The same rules as the admin page (store/sellercloud_settings.hpp); the options are named as on this command line.
    const std::map<std::string, std::string> options{{"column_day", "--day"}, {"column_7d", "--7d"}, {"column_30d", "--30d"},
                                                     {"column_sales", "--sales"}, {"column_acos", "--acos"}};
    if (const auto problems = store::checkSellercloudColumns(conn.columns); changed && !problems.empty()) {
        throw BadInput(options.at(problems.front().field) + ": " + problems.front().message);
    }
    if (changed) {
        ctx.service.store().write([&](store::Tx& tx) { store::SellercloudConnections(tx.database()).update(conn, nowSeconds()); });
    }
    out << "day\t" << conn.columns.spendDay << "\n7d\t" << conn.columns.spend7d << "\n30d\t" << conn.columns.spend30d
        << "\nsales\t" << conn.columns.sales30d << "\nacos\t" << conn.columns.acos30d << "\nsend-hour\t" << conn.sendHour
        << "\n";
    return kExitOk;
}

int manualLink(const Arguments& a, std::ostream& out) {
    if (a.positional().size() != 2) throw UsageError("link needs SKU and PRODUCT_ID");
    if (!a.has("sc-company")) throw UsageError("link needs --sc-company ID (the Sellercloud company)");
    Context ctx(a);
    const auto conn = connectionOf(ctx, ctx.service.company(requireCompany(a)));
    const std::int64_t scCompany = intOption(a, "sc-company", 1, 2'000'000'000);
    // The same rules as the admin page (store/sellercloud_settings.hpp).
    if (const auto problems = store::checkSellercloudManualLink(a.positional()[0], a.positional()[1], scCompany);
        !problems.empty()) {
        throw BadInput(problems.front().message);
    }
    ctx.service.store().write([&](store::Tx& tx) {
        store::SellercloudLink link;
        link.sku = a.positional()[0];
        link.productId = a.positional()[1];
        link.rule = "manual";
        link.linkedAt = nowSeconds();
        store::SellercloudProducts(tx.database()).saveLink(conn.id, scCompany, link);
    });
    out << "SKU " << a.positional()[0] << " linked to product " << a.positional()[1] << "\n";
    return kExitOk;
}

void printSend(std::ostream& out, const store::SellercloudSend& s) {
    out << "#" << s.id << "\t" << store::toString(s.kind) << "\t" << s.fromDate << ".." << s.toDate << "\t"
        << store::toString(s.status) << "\t" << s.scCompanyName << " (" << s.scCompanyId << ")\t" << s.profiles << "\t"
        << s.records << " records, " << s.written << " written, " << s.unmatched << " unmatched, " << s.failed
        << " failed\t" << s.message << "\n";
}

int send(const Arguments& a, std::ostream& out) {
    Context ctx(a);
    const auto conn = connectionOf(ctx, ctx.service.company(requireCompany(a)));
    sellercloud::SellercloudPush push(ctx.service.store(), ctx.box, pushOptions());
    const auto now = nowSeconds();
    if (a.has("days")) {
        std::optional<std::int64_t> profile;
        if (a.has("profile")) profile = profileRowOf(ctx, a.get("profile"));
        std::optional<std::string> channel;
        if (a.has("channel")) channel = a.get("channel");
        const int asked = push.requestSend(conn.id, profile, channel, intOption(a, "days", 1, 95), now);
        if (asked == 0) throw ServiceError("no mapped profile matches (see sellercloud map)");
    } else if (a.has("profile") || a.has("channel")) {
        throw UsageError("--profile and --channel go with --days N");
    }
    if (a.has("queue")) {
        ctx.service.store().write([&](store::Tx& tx) { store::SellercloudConnections(tx.database()).requestSync(conn.id, true, now); });
        out << "queued: the daemon sends at its next tick\n";
        return kExitOk;
    }
    const auto report = push.runConnection(conn.id, now, {});
    if (report.skippedForAnotherDaemon > 0) {
        // Another daemon on the same database holds the connection's lease (docs/SCALING.md).
        throw ServiceError(report.errors.empty() ? "another Settlebridge daemon is sending this connection now"
                                                 : report.errors.front());
    }
    if (report.sends.empty()) out << "nothing to send (no mapped profile)\n";
    bool failed = false;
    for (const auto& s : report.sends) {
        const auto logged = ctx.service.store().read([&](store::Tx& tx) { return store::SellercloudSends(tx.database()).find(s.sendId); });
        if (logged) printSend(out, *logged);
        failed = failed || s.status == store::SendStatus::Failed;
    }
    return failed ? kExitFailure : kExitOk;
}

int logCommand(const Arguments& a, std::ostream& out) {
    Context ctx(a);
    std::optional<std::int64_t> connectionId;
    if (a.has("company")) connectionId = connectionOf(ctx, ctx.service.company(a.get("company"))).id;
    const bool json = a.get("format", "text") == "json";
    if (a.has("send")) {
        const std::int64_t id = intOption(a, "send", 1, 2'000'000'000);
        const auto [sendRow, records] = ctx.service.store().read([&](store::Tx& tx) {
            store::SellercloudSends sends(tx.database());
            return std::make_pair(sends.find(id), sends.records(id));
        });
        if (!sendRow) throw ServiceError("no Sellercloud send #" + std::to_string(id));
        if (json) {
            JsonWriter w(out);
            w.beginObject().key("format_version").value(1).key("send").value(sendRow->id);
            w.key("status").value(store::toString(sendRow->status)).key("currency").value(sendRow->currency);
            w.key("records").beginArray();
            for (const auto& r : records) {
                w.beginObject().key("sku").value(r.sku).key("asin").value(r.asin).key("product").value(r.productId);
                w.key("rule").value(r.rule).key("cost").value(common::formatCents(r.cost));
                w.key("sales").value(common::formatCents(r.sales));
                w.key("item_cost");
                if (r.itemCost) w.value(common::formatCents(*r.itemCost)); else w.null();
                w.key("profit");
                if (r.profit) w.value(common::formatCents(*r.profit)); else w.null();
                w.key("values").value(r.valuesWritten).key("status").value(store::toString(r.status));
                w.key("error").value(r.error).endObject();
            }
            w.endArray().endObject();
            out << "\n";
            return kExitOk;
        }
        printSend(out, *sendRow);
        out << "SKU\tproduct\trule\tcost\tsales\titem cost\tprofit\tstatus\tvalues / error\n";
        for (const auto& r : records) {
            out << (r.sku.empty() ? "-" : r.sku) << "\t" << (r.productId.empty() ? "-" : r.productId) << "\t"
                << (r.rule.empty() ? "-" : r.rule) << "\t" << common::formatCents(r.cost) << "\t"
                << common::formatCents(r.sales) << "\t" << (r.itemCost ? common::formatCents(*r.itemCost) : "-")
                << "\t" << (r.profit ? common::formatCents(*r.profit) : "-") << "\t" << store::toString(r.status)
                << "\t" << (r.error.empty() ? r.valuesWritten : r.error) << "\n";
        }
        return kExitOk;
    }
    const int limit = a.has("limit") ? intOption(a, "limit", 1, 10'000) : 50;
    const auto sends = ctx.service.store().read(
        [&](store::Tx& tx) { return store::SellercloudSends(tx.database()).recent(connectionId, limit); });
    if (json) {
        JsonWriter w(out);
        w.beginObject().key("format_version").value(1).key("sends").beginArray();
        for (const auto& s : sends) {
            w.beginObject().key("id").value(s.id).key("kind").value(store::toString(s.kind));
            w.key("from").value(s.fromDate).key("to").value(s.toDate).key("status").value(store::toString(s.status));
            w.key("sellercloud_company").value(s.scCompanyId).key("company_name").value(s.scCompanyName);
            w.key("profiles").value(s.profiles).key("records").value(s.records).key("written").value(s.written);
            w.key("unmatched").value(s.unmatched).key("failed").value(s.failed).key("message").value(s.message);
            w.key("started_at").value(s.startedAt).endObject();
        }
        w.endArray().endObject();
        out << "\n";
        return kExitOk;
    }
    if (sends.empty()) out << "no sends yet\n";
    for (const auto& s : sends) printSend(out, s);
    return kExitOk;
}

}  // namespace

int sellercloudCommand(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
    if (args.size() < 2) {
        throw UsageError("sellercloud needs a subcommand: connect, test, companies, map, link-rules, link, columns, "
                         "send or log");
    }
    const std::string& sub = args[1];
    if (findCommand("sellercloud " + sub) == nullptr) throw UsageError("unknown sellercloud subcommand \"" + sub + "\"");
    const Arguments a(args, 2, commandSpec("sellercloud " + sub));
    try {
        if (sub == "connect") return connect(a, in, out);
        if (sub == "test") {
            Context ctx(a);
            const auto conn = connectionOf(ctx, ctx.service.company(requireCompany(a)));
            sellercloud::SellercloudPush push(ctx.service.store(), ctx.box, pushOptions());
            return verdictExit(push.test(conn.id, nowSeconds()), out, a.get("format", "text") == "json");
        }
        if (sub == "companies") {
            Context ctx(a);
            const auto conn = connectionOf(ctx, ctx.service.company(requireCompany(a)));
            sellercloud::SellercloudPush push(ctx.service.store(), ctx.box, pushOptions());
            const auto list = push.companies(conn.id);
            if (a.get("format", "text") == "json") {
                JsonWriter w(out);
                w.beginObject().key("format_version").value(1).key("companies").beginArray();
                for (const auto& c : list) {
                    w.beginObject().key("id").value(c.id).key("name").value(c.name).key("default").value(c.isDefault);
                    w.key("disabled").value(c.disabled).endObject();
                }
                w.endArray().endObject();
                out << "\n";
            } else {
                for (const auto& c : list) {
                    out << c.id << "\t" << c.name << (c.isDefault ? "\t(default)" : "") << (c.disabled ? "\t(disabled)" : "")
                        << "\n";
                }
            }
            return kExitOk;
        }
        if (sub == "map") return mapCommand(a, out);
        if (sub == "link-rules") return linkRules(a, out);
        if (sub == "link") return manualLink(a, out);
        if (sub == "columns") return columns(a, out);
        if (sub == "send") return send(a, out);
        if (sub == "log") return logCommand(a, out);
    } catch (const SellercloudError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return e.kind() == SellercloudError::Kind::Config ? kExitBadInput : kExitFailure;
    } catch (const store::SecretError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitFailure;
    }
    throw UsageError("unknown sellercloud subcommand \"" + sub + "\"");
}

}  // namespace settlebridge::app
