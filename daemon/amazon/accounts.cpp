#include "daemon/amazon/accounts.hpp"

#include <charconv>

namespace settlebridge::amazon {

namespace {

constexpr std::string_view kContextPrefix = "amazon_connection:";

std::string trimSlash(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

store::Company requireCompany(store::Tx& tx, const std::string& name) {
    auto company = tx.companies().findByName(name);
    if (!company) throw AccountError("no company named \"" + name + "\"");
    return *company;
}

std::string defaultName(const ConnectionSetup& setup) {
    if (!setup.name.empty()) return setup.name;
    return std::string(regionName(setup.region)) + " seller";
}

void applySetup(store::AmazonConnection& c, const ConnectionSetup& setup) {
    c.region = std::string(regionName(setup.region));
    if (!setup.marketplaceIds.empty()) c.marketplaceIds = setup.marketplaceIds;
    if (setup.downloadWindowDays) {
        if (*setup.downloadWindowDays < 1 || *setup.downloadWindowDays > 90) {
            throw AccountError("the download window must be 1 to 90 days (Amazon keeps settlement reports 90 days); "
                               "got " + std::to_string(*setup.downloadWindowDays));
        }
        c.downloadWindowDays = *setup.downloadWindowDays;
    }
    if (setup.syncEveryMinutes) {
        if (*setup.syncEveryMinutes < 5) throw AccountError("the sync interval must be at least 5 minutes");
        c.syncEveryMinutes = *setup.syncEveryMinutes;
    }
}

}  // namespace

std::string Endpoints::sellerCentral(Region region) const {
    return base.empty() ? sellerCentralUrl(region) : trimSlash(base);
}

std::string Endpoints::lwaTokenUrl() const {
    return base.empty() ? std::string(kLwaTokenUrl) : trimSlash(base) + "/auth/o2/token";
}

std::string Endpoints::spApi(Region) const { return base.empty() ? std::string() : trimSlash(base); }

Accounts::Accounts(store::Store& store, const store::SecretBox& box, AccountsOptions options)
    : store_(store), box_(box), options_(std::move(options)) {}

OperatorApp Accounts::operatorApp() {
    return store_.read([&](store::Tx& tx) {
        store::AppSettings settings(tx.database());
        OperatorApp app;
        app.applicationId = settings.get(setting::kApplicationId).value_or("");
        app.clientId = settings.get(setting::kClientId).value_or("");
        app.clientSecret = settings.secret(setting::kClientSecret, box_).value_or("");
        app.redirectUri = settings.get(setting::kRedirectUri).value_or("");
        app.draftApp = settings.get(setting::kDraftApp).value_or("") == "1";
        return app;
    });
}

void Accounts::configureApp(const OperatorApp& app, std::optional<std::string> endpoint, store::Timestamp now) {
    if (!app.redirectUri.empty() && app.redirectUri.rfind("https://", 0) != 0 &&
        app.redirectUri.rfind("http://localhost", 0) != 0 && app.redirectUri.rfind("http://127.0.0.1", 0) != 0) {
        throw AccountError("the redirect URI must be https:// (Amazon accepts plain http only for localhost): " +
                           app.redirectUri);
    }
    if (endpoint && !endpoint->empty() && endpoint->rfind("http://", 0) != 0 && endpoint->rfind("https://", 0) != 0) {
        throw AccountError("the Amazon endpoint must be an http(s) URL: " + *endpoint);
    }
    store_.write([&](store::Tx& tx) {
        store::AppSettings settings(tx.database());
        if (!app.applicationId.empty()) settings.set(setting::kApplicationId, app.applicationId, now);
        if (!app.clientId.empty()) settings.set(setting::kClientId, app.clientId, now);
        if (!app.clientSecret.empty()) settings.setSecret(setting::kClientSecret, app.clientSecret, box_, now);
        if (!app.redirectUri.empty()) settings.set(setting::kRedirectUri, app.redirectUri, now);
        settings.set(setting::kDraftApp, app.draftApp ? "1" : "0", now);
        if (endpoint) {
            if (endpoint->empty()) {
                settings.remove(setting::kEndpoint);
            } else {
                settings.set(setting::kEndpoint, *endpoint, now);
            }
        }
        tx.events().add(now, std::nullopt, store::EventLevel::Info, "Amazon app settings changed");
    });
}

Endpoints Accounts::endpoints() {
    return store_.read([&](store::Tx& tx) {
        return Endpoints{store::AppSettings(tx.database()).get(setting::kEndpoint).value_or("")};
    });
}

std::string Accounts::stateKey() const { return box_.deriveKey("amazon-consent-state"); }

ConnectWithAmazon Accounts::connector(const OperatorApp& app, Region region, const LwaClient& lwa) {
    ConsentConfig consent;
    consent.sellerCentralUrl = endpoints().sellerCentral(region);
    consent.applicationId = app.applicationId;
    consent.redirectUri = app.redirectUri;
    consent.draftApp = app.draftApp;
    return ConnectWithAmazon(consent, lwa, stateKey());
}

ConsentStart Accounts::beginConnect(const ConnectionSetup& setup, store::Timestamp now) {
    const OperatorApp app = operatorApp();
    if (!app.configured()) {
        throw AccountError("the Amazon app is not configured: set its application id, client id and client secret "
                           "first (settlebridge amazon app --application-id … --client-id …, secret on stdin)");
    }
    const store::AmazonConnection connection = store_.write([&](store::Tx& tx) {
        const store::Company company = requireCompany(tx, setup.companyName);
        store::AmazonConnections repo(tx.database());
        const std::string name = defaultName(setup);
        if (auto existing = repo.findByName(company.id, name)) {
            if (existing->region != regionName(setup.region)) {
                throw AccountError("the connection \"" + name + "\" is in region " + existing->region +
                                   "; choose another name for a " + std::string(regionName(setup.region)) +
                                   " connection");
            }
            return *existing;
        }
        store::AmazonConnection c;
        c.companyId = company.id;
        c.name = name;
        c.how = "consent";
        applySetup(c, setup);
        return repo.create(c, now);
    });
    LwaConfig lwaConfig;
    lwaConfig.tokenUrl = endpoints().lwaTokenUrl();
    lwaConfig.clientId = app.clientId;
    lwaConfig.clientSecret = app.clientSecret;
    lwaConfig.http = options_.http;
    lwaConfig.retry = options_.retry;
    const LwaClient lwa(lwaConfig);
    return connector(app, setup.region, lwa).begin(std::string(kContextPrefix) + std::to_string(connection.id));
}

store::AmazonConnection Accounts::completeConnect(std::string_view callbackQueryOrUrl, store::Timestamp now) {
    const OperatorApp app = operatorApp();
    if (!app.configured()) throw AccountError("the Amazon app is not configured");
    LwaConfig lwaConfig;
    lwaConfig.tokenUrl = endpoints().lwaTokenUrl();
    lwaConfig.clientId = app.clientId;
    lwaConfig.clientSecret = app.clientSecret;
    lwaConfig.http = options_.http;
    lwaConfig.retry = options_.retry;
    const LwaClient lwa(lwaConfig);
    const ConsentResult result = connector(app, Region::NA, lwa).complete(callbackQueryOrUrl);
    if (result.context.rfind(kContextPrefix, 0) != 0) throw ConsentError("this consent was not started for a seller connection");
    std::int64_t id = 0;
    const std::string_view digits = std::string_view(result.context).substr(kContextPrefix.size());
    std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (result.tokens.refreshToken.empty()) throw AccountError("Amazon's answer carried no refresh token");
    return store_.write([&](store::Tx& tx) {
        store::AmazonConnections repo(tx.database());
        auto connection = repo.find(id);
        if (!connection) throw AccountError("the connection this consent was started for no longer exists");
        connection->how = "consent";
        connection->clientId.clear();
        if (!result.sellingPartnerId.empty()) connection->sellerId = result.sellingPartnerId;
        connection->syncState = store::SyncState::Idle;
        connection->syncMessage = "connected through Connect with Amazon";
        connection->nextSyncAt = 0;  // sync at the next tick
        repo.update(*connection, now);
        repo.setSecrets(id, box_, result.tokens.refreshToken, std::nullopt, now);
        tx.events().add(now, connection->companyId, store::EventLevel::Info,
                        "Amazon connection \"" + connection->name + "\" connected (seller " + connection->sellerId + ")");
        return *repo.find(id);
    });
}

store::AmazonConnection Accounts::addWithToken(const ConnectionSetup& setup, std::string_view refreshToken,
                                               std::string_view clientId, std::string_view clientSecret,
                                               std::string_view sellerId, store::Timestamp now) {
    if (refreshToken.rfind("Atzr|", 0) != 0) {
        throw AccountError("that does not look like an LWA refresh token (they start with \"Atzr|\")");
    }
    if (clientId.empty() != clientSecret.empty()) {
        throw AccountError("give both the client id and the client secret of the self-authorized app, or neither "
                           "(to use the operator's app)");
    }
    if (clientId.empty() && !operatorApp().configured()) {
        throw AccountError("no client id given and the operator's Amazon app is not configured");
    }
    return store_.write([&](store::Tx& tx) {
        const store::Company company = requireCompany(tx, setup.companyName);
        store::AmazonConnections repo(tx.database());
        const std::string name = defaultName(setup);
        std::optional<store::AmazonConnection> existing = repo.findByName(company.id, name);
        store::AmazonConnection c = existing ? *existing : store::AmazonConnection{};
        c.companyId = company.id;
        c.name = name;
        c.how = "token";
        c.clientId = std::string(clientId);
        if (!sellerId.empty()) c.sellerId = std::string(sellerId);
        applySetup(c, setup);
        c.nextSyncAt = 0;
        if (existing) {
            repo.update(c, now);
        } else {
            c = repo.create(c, now);
        }
        repo.setSecrets(c.id, box_, refreshToken,
                        clientSecret.empty() ? std::nullopt : std::optional<std::string_view>(clientSecret), now);
        tx.events().add(now, company.id, store::EventLevel::Info,
                        "Amazon connection \"" + name + "\" " + (existing ? "updated" : "added") + " with a refresh token");
        return *repo.find(c.id);
    });
}

ConnectionAccess Accounts::access(std::int64_t connectionId) {
    const OperatorApp app = operatorApp();
    const Endpoints where = endpoints();
    return store_.read([&](store::Tx& tx) {
        store::AmazonConnections repo(tx.database());
        auto connection = repo.find(connectionId);
        if (!connection) throw AccountError("no Amazon connection " + std::to_string(connectionId));
        if (!connection->hasRefreshToken) {
            throw AccountError("the Amazon connection \"" + connection->name + "\" is not connected yet");
        }
        ConnectionAccess a;
        a.connection = *connection;
        a.region = parseRegion(connection->region).value_or(Region::NA);
        a.refreshToken = repo.refreshToken(connectionId, box_);
        const auto ownSecret = repo.clientSecret(connectionId, box_);
        if (!connection->clientId.empty() && ownSecret) {
            a.lwa.clientId = connection->clientId;
            a.lwa.clientSecret = *ownSecret;
        } else {
            if (app.clientId.empty() || app.clientSecret.empty()) {
                throw AccountError("the Amazon app is not configured (client id and secret)");
            }
            a.lwa.clientId = app.clientId;
            a.lwa.clientSecret = app.clientSecret;
        }
        net::HttpOptions http = options_.http;
        if (auto ca = store::AppSettings(tx.database()).get(setting::kCaFile); ca && http.caFile.empty()) http.caFile = *ca;
        a.lwa.tokenUrl = where.lwaTokenUrl();
        a.lwa.http = http;
        a.lwa.retry = options_.retry;
        a.spApi.region = a.region;
        a.spApi.endpoint = where.spApi(a.region);
        a.spApi.http = http;
        a.spApi.retry = options_.retry;
        return a;
    });
}

ConnectionCheck Accounts::test(std::int64_t connectionId, store::Timestamp now) {
    ConnectionAccess a = access(connectionId);
    net::RetryPolicy quick;
    quick.maxAttempts = 2;
    quick.baseDelay = std::chrono::milliseconds(500);
    quick.maxRetryAfter = std::chrono::milliseconds(5'000);
    a.lwa.retry = quick;
    a.spApi.retry = quick;
    const LwaClient lwa(a.lwa);
    const ConnectionCheck check = testConnection(lwa, a.refreshToken, a.spApi);
    store_.write([&](store::Tx& tx) {
        tx.events().add(now, a.connection.companyId,
                        check.verdict == ConnectionVerdict::Ok ? store::EventLevel::Info : store::EventLevel::Warning,
                        "Amazon connection \"" + a.connection.name + "\" tested: " + verdictName(check.verdict) + " — " +
                            check.message);
    });
    return check;
}

store::AmazonConnection Accounts::find(const std::string& companyName, const std::string& connectionName) {
    return store_.read([&](store::Tx& tx) {
        const store::Company company = requireCompany(tx, companyName);
        store::AmazonConnections repo(tx.database());
        if (connectionName.empty()) {
            auto all = repo.list(company.id);
            if (all.size() == 1) return all.front();
            if (all.empty()) throw AccountError(company.name + " has no Amazon connection");
            throw AccountError(company.name + " has several Amazon connections: name one with --name");
        }
        auto c = repo.findByName(company.id, connectionName);
        if (!c) throw AccountError(company.name + " has no Amazon connection named \"" + connectionName + "\"");
        return *c;
    });
}

std::vector<store::AmazonConnection> Accounts::list(std::optional<std::string> companyName) {
    return store_.read([&](store::Tx& tx) {
        store::AmazonConnections repo(tx.database());
        if (!companyName) return repo.list();
        return repo.list(requireCompany(tx, *companyName).id);
    });
}

}  // namespace settlebridge::amazon
