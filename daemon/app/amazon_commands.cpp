#include "daemon/app/amazon_commands.hpp"

#include <cstdlib>
#include <iostream>
#include <optional>

#include "daemon/amazon/accounts.hpp"
#include "daemon/amazon/settlement_sync.hpp"
#include "daemon/app/arguments.hpp"
#include "daemon/app/cli.hpp"
#include "daemon/app/json_writer.hpp"
#include "daemon/app/service.hpp"
#include "daemon/app/settings.hpp"
#include "daemon/store/amazon_connections.hpp"

namespace settlebridge::app {

namespace {

/// A secret from an environment variable, else the next line of standard input. Never argv.
std::string readSecret(std::istream& in, const char* env, const std::string& what) {
    if (const char* value = std::getenv(env); value != nullptr && *value != '\0') return value;
    std::string line;
    if (!std::getline(in, line) || line.empty()) {
        throw BadInput("no " + what + ": set " + env + " or give it on a line of standard input");
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

std::optional<int> optionalInt(const Arguments& arguments, const std::string& name, int min, int max,
                               const std::string& rule) {
    if (!arguments.has(name)) return std::nullopt;
    const std::string text = arguments.get(name);
    char* end = nullptr;
    const long value = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || value < min || value > max) {
        throw UsageError("--" + name + " " + rule + " (got \"" + text + "\")");
    }
    return static_cast<int>(value);
}

amazon::ConnectionSetup setupOf(const Arguments& arguments) {
    amazon::ConnectionSetup setup;
    if (!arguments.has("company") || arguments.get("company").empty()) throw UsageError("--company NAME is required");
    setup.companyName = arguments.get("company");
    setup.name = arguments.get("name");
    if (arguments.has("region")) {
        const auto region = amazon::parseRegion(arguments.get("region"));
        if (!region) throw UsageError("--region must be NA, EU or FE");
        setup.region = *region;
    }
    if (arguments.has("marketplaces")) {
        std::string list = arguments.get("marketplaces");
        std::size_t start = 0;
        while (start <= list.size()) {
            const std::size_t comma = list.find(',', start);
            const std::string id = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (!id.empty()) setup.marketplaceIds.push_back(id);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    setup.downloadWindowDays =
        optionalInt(arguments, "window", 1, 90, "is the download window in days: 1 to 90 (Amazon keeps settlement reports 90 days)");
    setup.syncEveryMinutes = optionalInt(arguments, "every", 5, 7 * 24 * 60, "is the sync interval in minutes: 5 to 10080");
    return setup;
}

std::string when(store::Timestamp t) {
    if (t == 0) return "never";
    char buffer[32];
    const std::time_t time = static_cast<std::time_t>(t);
    std::tm utc{};
#ifdef _WIN32
    gmtime_s(&utc, &time);
#else
    gmtime_r(&time, &utc);
#endif
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", &utc);
    return buffer;
}

void writeConnectionJson(JsonWriter& json, const store::AmazonConnection& c, const std::string& company) {
    json.beginObject();
    json.key("id").value(c.id);
    json.key("company").value(company);
    json.key("name").value(c.name);
    json.key("region").value(c.region);
    json.key("seller_id").value(c.sellerId);
    json.key("how").value(c.how);
    json.key("connected").value(c.hasRefreshToken);
    json.key("download_window_days").value(c.downloadWindowDays);
    json.key("sync_every_minutes").value(c.syncEveryMinutes);
    json.key("enabled").value(c.enabled);
    json.key("sync_state").value(store::toString(c.syncState));
    json.key("sync_message").value(c.syncMessage);
    json.key("sync_requested").value(c.syncRequested);
    json.key("last_sync_at").value(c.lastSyncAt);
    json.key("last_success_at").value(c.lastSuccessAt);
    json.key("next_sync_at").value(c.nextSyncAt);
    json.endObject();
}

int appCommand(const Arguments& arguments, std::istream& in, std::ostream& out) {
    Service service(dataDirOf(arguments), databaseOf(arguments));
    const store::SecretBox box = service.secretBox();
    amazon::Accounts accounts(service.store(), box);
    amazon::OperatorApp app;
    app.applicationId = arguments.get("application-id");
    app.clientId = arguments.get("client-id");
    app.redirectUri = arguments.get("redirect-uri");
    app.draftApp = arguments.has("draft");
    if (arguments.has("client-secret-stdin") || std::getenv("SETTLEBRIDGE_AMAZON_CLIENT_SECRET") != nullptr) {
        app.clientSecret = readSecret(in, "SETTLEBRIDGE_AMAZON_CLIENT_SECRET", "client secret");
    }
    std::optional<std::string> endpoint;
    if (arguments.has("endpoint")) endpoint = arguments.get("endpoint");
    if (arguments.has("production")) endpoint = "";
    accounts.configureApp(app, endpoint, nowSeconds());
    const amazon::OperatorApp stored = accounts.operatorApp();
    out << "Amazon app: application id " << (stored.applicationId.empty() ? "(not set)" : stored.applicationId)
        << ", client id " << (stored.clientId.empty() ? "(not set)" : stored.clientId) << ", client secret "
        << (stored.clientSecret.empty() ? "(not set)" : "stored (encrypted)") << ", redirect URI "
        << (stored.redirectUri.empty() ? "(the app's default)" : stored.redirectUri)
        << (stored.draftApp ? ", draft app" : "") << "\n";
    const amazon::Endpoints where = accounts.endpoints();
    out << "Amazon endpoints: " << (where.base.empty() ? "production" : where.base) << "\n";
    return kExitOk;
}

}  // namespace

int amazonCommand(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
    if (args.size() < 2) throw UsageError("amazon needs a subcommand: app, connect, add-token, test, list, set, sync or reports");
    const std::string& sub = args[1];
    if (findCommand("amazon " + sub) == nullptr) throw UsageError("unknown amazon subcommand \"" + sub + "\"");
    const Arguments arguments(args, 2, commandSpec("amazon " + sub));
    if (!arguments.positional().empty()) throw UsageError("amazon " + sub + " takes no positional arguments");
    if (sub == "app") return appCommand(arguments, in, out);

    Service service(dataDirOf(arguments), databaseOf(arguments));
    const store::SecretBox box = service.secretBox();
    amazon::Accounts accounts(service.store(), box);
    const auto companyName = [&](std::int64_t id) {
        return service.store().read([&](store::Tx& tx) {
            auto c = tx.companies().find(id);
            return c ? c->name : std::string("?");
        });
    };

    if (sub == "connect") {
        const amazon::ConsentStart start = accounts.beginConnect(setupOf(arguments), nowSeconds());
        out << "Open this address in a browser, sign in to Seller Central and authorize Settlebridge:\n"
            << start.url << "\n"
            << "Amazon sends the browser back to the running daemon, which stores the connection.\n";
        return kExitOk;
    }
    if (sub == "add-token") {
        const std::string token = readSecret(in, "SETTLEBRIDGE_REFRESH_TOKEN", "refresh token");
        std::string secret;
        if (arguments.has("client-id")) secret = readSecret(in, "SETTLEBRIDGE_AMAZON_CLIENT_SECRET", "client secret");
        const store::AmazonConnection c = accounts.addWithToken(setupOf(arguments), token, arguments.get("client-id"),
                                                                secret, arguments.get("seller-id"), nowSeconds());
        out << "Amazon connection \"" << c.name << "\" (" << c.region << ") stored; its settlements are downloaded at "
            << "the next sync (settlebridge amazon sync, or the running daemon)\n";
        return kExitOk;
    }
    if (sub == "list") {
        std::optional<std::string> company;
        if (arguments.has("company")) company = arguments.get("company");
        const auto connections = accounts.list(company);
        if (arguments.get("format", "text") == "json") {
            JsonWriter json(out);
            json.beginObject().key("format_version").value(1).key("connections").beginArray();
            for (const auto& c : connections) writeConnectionJson(json, c, companyName(c.companyId));
            json.endArray().endObject();
            out << "\n";
        } else {
            if (connections.empty()) out << "no Amazon connections\n";
            for (const auto& c : connections) {
                out << companyName(c.companyId) << " / " << c.name << "\t" << c.region << "\t"
                    << (c.hasRefreshToken ? "connected" : "not connected") << "\t" << store::toString(c.syncState)
                    << (c.syncMessage.empty() ? "" : ": " + c.syncMessage) << "\tlast sync " << when(c.lastSyncAt)
                    << ", next " << (c.syncRequested ? "as soon as possible" : when(c.nextSyncAt)) << "\n";
            }
        }
        return kExitOk;
    }
    const store::AmazonConnection connection = accounts.find(arguments.get("company"), arguments.get("name"));
    if (sub == "test") {
        const amazon::ConnectionCheck check = accounts.test(connection.id, nowSeconds());
        out << amazon::verdictName(check.verdict) << ": " << check.message << "\n";
        if (!check.detail.empty()) err << "detail: " << check.detail << "\n";
        return check.verdict == amazon::ConnectionVerdict::Ok ? kExitOk : kExitFailure;
    }
    if (sub == "set") {
        const amazon::ConnectionSetup setup = setupOf(arguments);
        service.store().write([&](store::Tx& tx) {
            store::AmazonConnections repo(tx.database());
            auto c = *repo.find(connection.id);
            if (setup.downloadWindowDays) c.downloadWindowDays = *setup.downloadWindowDays;
            if (setup.syncEveryMinutes) c.syncEveryMinutes = *setup.syncEveryMinutes;
            if (arguments.has("enable")) c.enabled = true;
            if (arguments.has("disable")) c.enabled = false;
            repo.update(c, nowSeconds());
        });
        out << "Amazon connection \"" << connection.name << "\" updated\n";
        return kExitOk;
    }
    if (sub == "sync") {
        if (arguments.has("request")) {
            service.store().write([&](store::Tx& tx) {
                store::AmazonConnections(tx.database()).requestSync(std::nullopt, connection.id, nowSeconds());
            });
            out << "sync requested: the running daemon syncs \"" << connection.name << "\" at its next tick\n";
            return kExitOk;
        }
        amazon::SettlementSync sync(service.store(), box);
        const amazon::ConnectionSyncReport r = sync.syncConnection(connection.id, nowSeconds());
        (r.ok ? out : err) << (r.ok ? "" : "settlebridge: sync failed: ") << r.message << "\n";
        return r.ok ? kExitOk : kExitFailure;
    }
    if (sub == "reports") {
        const auto reports = service.store().read(
            [&](store::Tx& tx) { return store::AmazonConnections(tx.database()).reports(connection.id); });
        if (arguments.get("format", "text") == "json") {
            JsonWriter json(out);
            json.beginObject().key("format_version").value(1).key("reports").beginArray();
            for (const auto& r : reports) {
                json.beginObject();
                json.key("report_id").value(r.reportId);
                json.key("outcome").value(store::toString(r.outcome));
                json.key("settlement_id").value(r.settlementId);
                json.key("marketplace").value(r.marketplace);
                json.key("created_time").value(r.createdTime);
                json.key("message").value(r.message);
                json.key("seen_at").value(r.seenAt);
                json.endObject();
            }
            json.endArray().endObject();
            out << "\n";
        } else {
            if (reports.empty()) out << "no reports seen yet\n";
            for (const auto& r : reports) {
                out << r.reportId << "\t" << store::toString(r.outcome) << "\t"
                    << (r.settlementId.empty() ? "-" : r.settlementId) << "\t"
                    << (r.marketplace.empty() ? "-" : r.marketplace) << "\t" << r.message << "\n";
            }
        }
        return kExitOk;
    }
    throw UsageError("unknown amazon subcommand \"" + sub + "\"");
}

}  // namespace settlebridge::app
