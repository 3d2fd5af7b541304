#include "daemon/app/ads_commands.hpp"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>

#include "daemon/ads/connect.hpp"
#include "daemon/ads/errors.hpp"
#include "daemon/ads/sync.hpp"
#include "daemon/ads/walmart.hpp"
#include "daemon/amazon/consent.hpp"
#include "daemon/amazon/errors.hpp"
#include "daemon/app/arguments.hpp"
#include "daemon/app/cli.hpp"
#include "daemon/app/json_writer.hpp"
#include "daemon/app/service.hpp"
#include "daemon/app/settings.hpp"
#include "daemon/common/money.hpp"
#include "daemon/ads/app_config.hpp"
#include "daemon/store/ad_spend.hpp"
#include "daemon/store/ads_accounts.hpp"
#include "daemon/store/secrets.hpp"

namespace settlebridge::app {

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v == nullptr ? std::string() : std::string(v);
}

amazon::Region regionOf(const Arguments& a) {
    const auto r = amazon::parseRegion(a.get("region", "NA"));
    if (!r) throw UsageError("--region must be NA, EU or FE");
    return *r;
}

std::optional<std::int64_t> companyOf(Service& service, const Arguments& a) {
    if (!a.has("company")) return std::nullopt;
    return service.company(a.get("company")).id;
}

int intOption(const Arguments& a, const std::string& name, int fallback, int low, int high) {
    if (!a.has(name)) return fallback;
    try {
        std::size_t used = 0;
        const int v = std::stoi(a.get(name), &used);
        if (used == a.get(name).size() && v >= low && v <= high) return v;
    } catch (const std::exception&) {
    }
    throw UsageError("--" + name + " must be a number from " + std::to_string(low) + " to " + std::to_string(high));
}

ads::AdsConnectConfig connectConfig(const Arguments& a, Service& service, const store::SecretBox& box) {
    ads::AdsConnectConfig c = ads::loadAdsApp(service.store(), box);
    if (a.has("redirect-uri")) c.redirectUri = a.get("redirect-uri");
    c.backfillDays = intOption(a, "backfill-days", 30, 1, 95);
    if (!ads::adsAppConfigured(c)) {
        throw BadInput("the Amazon Ads app is not configured: `settlebridge ads app --client-id ID` (secret on stdin), "
                       "or set $SETTLEBRIDGE_ADS_CLIENT_ID and $SETTLEBRIDGE_ADS_CLIENT_SECRET");
    }
    return c;
}

int app(const Arguments& a, std::istream& in, std::ostream& out) {
    Service service(dataDirOf(a), databaseOf(a));
    const auto box = service.secretBox();
    std::string secret;
    if (a.has("client-secret-stdin")) {
        std::getline(in, secret);
        if (!secret.empty() && secret.back() == '\r') secret.pop_back();
        if (secret.empty()) throw BadInput("no client secret on standard input");
    }
    ads::saveAdsApp(service.store(), box, a.get("client-id"), secret, a.get("redirect-uri"), nowSeconds());
    const ads::AdsConnectConfig c = ads::loadAdsApp(service.store(), box);
    out << "Amazon Ads app: client id " << (c.clientId.empty() ? "(not set)" : c.clientId) << ", client secret "
        << (c.clientSecret.empty() ? "(not set)" : "stored") << ", redirect URI "
        << (c.redirectUri.empty() ? "(the daemon's own /oauth/amazon-ads/callback)" : c.redirectUri) << "\n";
    return kExitOk;
}

ads::AdsSyncOptions syncOptions() {
    ads::AdsSyncOptions o;
    o.amazonEndpoint = env("SETTLEBRIDGE_ADS_API_URL");
    o.amazonTokenUrl = env("SETTLEBRIDGE_ADS_TOKEN_URL");
    if (const std::string w = env("SETTLEBRIDGE_WALMART_API_URL"); !w.empty()) o.walmartEndpoint = w;
    o.walmartColumnsFile = env("SETTLEBRIDGE_WALMART_COLUMNS");
    return o;
}

/// A profile by channel profile id (unique across accounts) or by row id.
store::AdsProfile findProfile(Service& service, const std::string& id) {
    return service.store().read([&](store::Tx& tx) {
        store::AdsProfiles profiles(tx.database());
        const auto byChannel = profiles.findByProfileIdAnyAccount(id);
        if (byChannel.size() == 1) return byChannel.front();
        if (byChannel.size() > 1) {
            throw ServiceError("profile id " + id + " is in several accounts: use the row id (ads profiles)");
        }
        try {
            std::size_t used = 0;
            const std::int64_t row = std::stoll(id, &used);
            if (used == id.size()) {
                if (auto p = profiles.find(row)) return *p;
            }
        } catch (const std::exception&) {
        }
        throw ServiceError("no ads profile \"" + id + "\" (see settlebridge ads profiles)");
    });
}

void printConnected(std::ostream& out, const ads::ConnectedAccount& a) {
    out << "ads account " << a.account.id << " \"" << a.account.name << "\" connected with " << a.profiles.size()
        << " profile" << (a.profiles.size() == 1 ? "" : "s") << "\n";
    for (const auto& p : a.profiles) {
        out << "  " << p.id << "\t" << p.info.profileId << "\t" << p.label() << "\t" << p.info.currencyCode << "\t"
            << p.info.timeZone << "\n";
    }
}

std::string firstLine(std::istream& in) {
    std::string line;
    std::getline(in, line);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    return line;
}

int connect(const Arguments& a, std::ostream& out) {
    Service service(dataDirOf(a), databaseOf(a));
    const auto box = service.secretBox();
    ads::AdsConnect connect(service.store(), box, connectConfig(a, service, box));
    if (a.has("callback")) {
        printConnected(out, connect.complete(a.get("callback"), nowSeconds()));
        return kExitOk;
    }
    if (!a.has("name")) throw UsageError("ads connect needs --name (or --callback URL)");
    if (!a.has("redirect-uri")) throw UsageError("ads connect needs --redirect-uri (the daemon's /oauth/amazon-ads/callback)");
    const auto start = connect.begin(a.get("name"), regionOf(a), companyOf(service, a));
    out << "Open this address in a browser and sign in with the Amazon Ads login to connect:\n" << start.url << "\n";
    return kExitOk;
}

int addToken(const Arguments& a, std::istream& in, std::ostream& out) {
    if (!a.has("name")) throw UsageError("ads add-token needs --name");
    std::string token = env("SETTLEBRIDGE_ADS_REFRESH_TOKEN");
    if (token.empty()) token = firstLine(in);
    if (token.empty()) throw BadInput("no refresh token: set $SETTLEBRIDGE_ADS_REFRESH_TOKEN or give it on stdin");
    Service service(dataDirOf(a), databaseOf(a));
    const auto box = service.secretBox();
    ads::AdsConnect connect(service.store(), box, connectConfig(a, service, box));
    printConnected(out, connect.addRefreshToken(a.get("name"), regionOf(a), token, companyOf(service, a), nowSeconds()));
    return kExitOk;
}

int addWalmart(const Arguments& a, std::ostream& out) {
    if (!a.has("name") || !a.has("advertiser")) throw UsageError("ads add-walmart needs --name and --advertiser");
    ads::WalmartCredentials creds;
    creds.authToken = env("SETTLEBRIDGE_WALMART_AUTH_TOKEN");
    creds.consumerId = env("SETTLEBRIDGE_WALMART_CONSUMER_ID");
    if (const std::string v = env("SETTLEBRIDGE_WALMART_KEY_VERSION"); !v.empty()) creds.keyVersion = v;
    const std::string keyFile = env("SETTLEBRIDGE_WALMART_PRIVATE_KEY_FILE");
    if (!keyFile.empty()) {
        std::ifstream f(keyFile, std::ios::binary);
        if (!f) throw BadInput("cannot read " + keyFile);
        creds.privateKey.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    }
    Service service(dataDirOf(a), databaseOf(a));
    const auto box = service.secretBox();
    ads::AdsConnectConfig c;
    c.backfillDays = intOption(a, "backfill-days", 30, 1, 90);
    ads::AdsConnect connect(service.store(), box, c);
    printConnected(out, connect.addWalmart(a.get("name"), a.get("advertiser"), creds, a.get("currency", "USD"),
                                           a.get("time-zone", "America/Los_Angeles"), companyOf(service, a), nowSeconds()));
    return kExitOk;
}

void syncJson(JsonWriter& json, const store::AdsSyncStatus& s) {
    json.key("sync_state").value(store::toString(s.state));
    json.key("sync_message").value(s.message);
    json.key("last_sync_at").value(s.lastSyncAt);
    json.key("next_sync_at").value(s.nextSyncAt);
    json.key("sync_requested").value(s.requested);
}

int list(const Arguments& a, std::ostream& out) {
    Service service(dataDirOf(a), databaseOf(a));
    const auto accounts = service.store().read([](store::Tx& tx) { return store::AdsAccounts(tx.database()).list(); });
    if (a.get("format", "text") == "json") {
        JsonWriter json(out);
        json.beginObject().key("format_version").value(1).key("accounts").beginArray();
        for (const auto& x : accounts) {
            json.beginObject();
            json.key("id").value(x.id);
            json.key("name").value(x.name);
            json.key("channel").value(store::toString(x.channel));
            json.key("region").value(x.region);
            json.key("has_credentials").value(x.hasCredentials);
            syncJson(json, x.sync);
            json.endObject();
        }
        json.endArray().endObject();
        out << "\n";
        return kExitOk;
    }
    for (const auto& x : accounts) {
        out << x.id << "\t" << x.name << "\t" << store::toString(x.channel) << (x.region.empty() ? "" : "\t" + x.region) << "\t"
            << store::toString(x.sync.state) << (x.sync.message.empty() ? "" : "\t" + x.sync.message) << "\n";
    }
    return kExitOk;
}

int profiles(const Arguments& a, std::ostream& out) {
    Service service(dataDirOf(a), databaseOf(a));
    const auto ps = service.store().read(
        [&](store::Tx& tx) { return store::AdsProfiles(tx.database()).list(std::nullopt, a.has("all")); });
    if (a.get("format", "text") == "json") {
        JsonWriter json(out);
        json.beginObject().key("format_version").value(1).key("profiles").beginArray();
        for (const auto& p : ps) {
            json.beginObject();
            json.key("id").value(p.id);
            json.key("account_id").value(p.accountId);
            json.key("profile_id").value(p.info.profileId);
            json.key("name").value(p.label());
            json.key("country_code").value(p.info.countryCode);
            json.key("currency_code").value(p.info.currencyCode);
            json.key("time_zone").value(p.info.timeZone);
            json.key("account_type").value(p.info.accountType);
            json.key("enabled").value(p.enabled);
            json.key("hidden").value(p.hidden);
            json.key("backfill_days").value(p.backfillDays);
            json.key("backfill").value(store::toString(p.backfill));
            syncJson(json, p.sync);
            json.endObject();
        }
        json.endArray().endObject();
        out << "\n";
        return kExitOk;
    }
    out << "ROW\tPROFILE\tNAME\tCOUNTRY\tCURRENCY\tTIME ZONE\tENABLED\tSTATE\n";
    for (const auto& p : ps) {
        out << p.id << "\t" << p.info.profileId << "\t" << p.label() << "\t" << p.info.countryCode << "\t"
            << p.info.currencyCode << "\t" << p.info.timeZone << "\t" << (p.enabled ? "yes" : "no") << (p.hidden ? " (hidden)" : "")
            << "\t" << store::toString(p.sync.state) << (p.sync.message.empty() ? "" : ": " + p.sync.message) << "\n";
    }
    return kExitOk;
}

int profileSet(const Arguments& a, std::ostream& out) {
    if (a.positional().size() != 1) throw UsageError("ads profile set needs exactly one profile ID");
    if (a.has("enable") && a.has("disable")) throw UsageError("--enable and --disable together");
    if (a.has("hide") && a.has("show")) throw UsageError("--hide and --show together");
    Service service(dataDirOf(a), databaseOf(a));
    const store::AdsProfile p = findProfile(service, a.positional().front());
    const int days = intOption(a, "backfill-days", p.backfillDays, 1, 95);
    const auto now = nowSeconds();
    service.store().write([&](store::Tx& tx) {
        store::AdsProfiles ps(tx.database());
        if (a.has("name")) ps.rename(p.id, a.get("name"), now);
        if (a.has("enable") || a.has("disable")) ps.setEnabled(p.id, a.has("enable"), now);
        if (a.has("hide") || a.has("show")) ps.setHidden(p.id, a.has("hide"), now);
        if (a.has("backfill-days")) ps.setBackfillDays(p.id, days, days > p.backfillDays, now);
    });
    const auto updated = findProfile(service, std::to_string(p.id));
    out << "profile " << updated.id << " \"" << updated.label() << "\": " << (updated.enabled ? "enabled" : "disabled")
        << (updated.hidden ? ", hidden" : "") << ", download window " << updated.backfillDays << " days\n";
    return kExitOk;
}

int sync(const Arguments& a, std::ostream& out, std::ostream& err) {
    const int days = intOption(a, "days", 0, 0, 95);
    Service service(dataDirOf(a), databaseOf(a));
    std::vector<store::AdsProfile> targets;
    if (a.has("profile")) {
        targets.push_back(findProfile(service, a.get("profile")));
    } else {
        for (const auto& p : service.store().read([](store::Tx& tx) { return store::AdsProfiles(tx.database()).list(); })) {
            if (p.enabled) targets.push_back(p);
        }
    }
    if (targets.empty()) {
        out << "no enabled ads profile to sync\n";
        return kExitOk;
    }
    if (a.has("request")) {
        service.store().write([&](store::Tx& tx) {
            store::AdsProfiles ps(tx.database());
            for (const auto& p : targets) ps.requestSync(p.id, true, days, nowSeconds());
        });
        out << "sync requested for " << targets.size() << " profile" << (targets.size() == 1 ? "" : "s")
            << "; the running daemon picks it up within a minute\n";
        return kExitOk;
    }
    const auto box = service.secretBox();
    ads::AdsSyncOptions options = syncOptions();
    options.progress = [&](const ads::AdsProgress& p) {
        constexpr int kWidth = 30;
        const int filled = p.steps == 0 ? kWidth : kWidth * p.step / p.steps;
        err << "\r" << p.profileLabel << " [" << std::string(static_cast<std::size_t>(filled), '#')
            << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] " << p.step << "/" << p.steps << " "
            << p.what << "            " << (p.what == "done" ? "\n" : "") << std::flush;
    };
    ads::AdsSync job(service.store(), box, options);
    int failed = 0;
    for (const auto& p : targets) {
        const ads::AdsRunReport r = job.syncProfile(p.id, nowSeconds(), days);
        for (const auto& e : r.errors) err << "\nsettlebridge: " << e << "\n";
        failed += r.profilesFailed + r.accountsSkippedForAnotherDaemon;  // another daemon holds the account's lease
        out << p.label() << ": " << r.reports << " report" << (r.reports == 1 ? "" : "s") << ", " << r.rowsStored << " rows\n";
    }
    return failed == 0 ? kExitOk : kExitFailure;
}

int spend(const Arguments& a, std::ostream& out) {
    if (!a.has("from") || !a.has("to")) throw UsageError("ads spend needs --from and --to (YYYY-MM-DD)");
    Service service(dataDirOf(a), databaseOf(a));
    std::vector<store::AdsProfile> targets;
    if (a.has("profile")) {
        targets.push_back(findProfile(service, a.get("profile")));
    } else {
        targets = service.store().read([](store::Tx& tx) { return store::AdsProfiles(tx.database()).list(std::nullopt, false); });
    }
    const bool json = a.get("format", "text") == "json";
    JsonWriter writer(out);
    if (json) writer.beginObject().key("format_version").value(1).key("from").value(a.get("from")).key("to").value(a.get("to")).key("profiles").beginArray();
    for (const auto& p : targets) {
        auto rows = service.store().read([&](store::Tx& tx) {
            return store::AdSpend(tx.database()).bySku(p.id, a.get("from"), a.get("to"), {});
        });
        if (a.has("sku")) {
            std::erase_if(rows, [&](const store::SkuSpend& s) { return s.sku != a.get("sku"); });
        }
        if (json) {
            writer.beginObject().key("profile").value(p.info.profileId).key("name").value(p.label());
            writer.key("currency").value(p.info.currencyCode).key("skus").beginArray();
            for (const auto& s : rows) {
                writer.beginObject().key("sku").value(s.sku).key("asin").value(s.asin);
                writer.key("cost").value(common::formatCents(s.cost)).key("sales").value(common::formatCents(s.sales));
                writer.key("clicks").value(s.clicks).key("impressions").value(s.impressions).key("purchases").value(s.purchases);
                writer.endObject();
            }
            writer.endArray().endObject();
            continue;
        }
        if (rows.empty()) continue;
        out << p.label() << " (" << p.info.currencyCode << ")\n";
        out << "SKU\tASIN\tCOST\tSALES\tCLICKS\tIMPRESSIONS\tPURCHASES\n";
        store::Cents total = 0;
        for (const auto& s : rows) {
            out << (s.sku.empty() ? "-" : s.sku) << "\t" << s.asin << "\t" << common::formatCents(s.cost) << "\t"
                << common::formatCents(s.sales) << "\t" << s.clicks << "\t" << s.impressions << "\t" << s.purchases << "\n";
            total += s.cost;
        }
        out << "TOTAL\t\t" << common::formatCents(total) << "\n\n";
    }
    if (json) {
        writer.endArray().endObject();
        out << "\n";
    }
    return kExitOk;
}

}  // namespace

int adsCommand(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err) {
    if (args.size() < 2) throw UsageError("ads needs a subcommand: connect, add-token, add-walmart, list, profiles, profile, sync, spend");
    const std::string& sub = args[1];
    try {
        if (sub == "profile") {
            if (args.size() < 3 || args[2] != "set") throw UsageError("ads profile needs the subcommand set");
            return profileSet(Arguments(args, 3, commandSpec("ads profile set")), out);
        }
        if (findCommand("ads " + sub) == nullptr) throw UsageError("unknown ads subcommand \"" + sub + "\"");
        const Arguments a(args, 2, commandSpec("ads " + sub));
        if (sub == "app") return app(a, in, out);
        if (sub == "connect") return connect(a, out);
        if (sub == "add-token") return addToken(a, in, out);
        if (sub == "add-walmart") return addWalmart(a, out);
        if (sub == "list") return list(a, out);
        if (sub == "profiles") return profiles(a, out);
        if (sub == "sync") return sync(a, out, err);
        if (sub == "spend") return spend(a, out);
    } catch (const amazon::AmazonError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitFailure;
    } catch (const ads::AdsError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return e.kind() == ads::AdsError::Kind::Config ? kExitBadInput : kExitFailure;
    } catch (const store::StoreError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const store::SecretError& e) {
        err << "settlebridge: " << e.what() << "\n";
        return kExitFailure;
    }
    throw UsageError("unknown ads subcommand \"" + sub + "\"");
}

}  // namespace settlebridge::app
