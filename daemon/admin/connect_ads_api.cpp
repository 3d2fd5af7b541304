#include "daemon/admin/connect_ads_api.hpp"

#include <algorithm>
#include <cctype>

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include "daemon/admin/home_api.hpp"
#include "daemon/ads/app_config.hpp"
#include "daemon/ads/connect.hpp"
#include "daemon/ads/errors.hpp"
#include "daemon/ads/walmart.hpp"
#include "daemon/amazon/errors.hpp"
#include "daemon/amazon/region.hpp"
#include "daemon/settlement/timezone.hpp"

namespace settlebridge::admin {

namespace {

using FieldErrors = std::vector<ApiError::FieldError>;

bool printableNoSpace(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u != 0x7f;
    });
}

[[noreturn]] void refuse(const FieldErrors& errors) {
    throw ApiError(400, errors.front().message, errors.front().field).withErrors(errors);
}

std::string field(const ApiRequest& request, const std::string& name, FieldErrors& errors) {
    try {
        return request.optionalText(name).value_or("");
    } catch (const ApiError& e) {
        errors.push_back({name, e.what()});
        return {};
    }
}

std::string trimmed(std::string s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    std::size_t i = 0;
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    return s.substr(i);
}

std::string defaultRedirect(const ApiRequest& request) {
    return std::string(request.secure ? "https://" : "http://") + request.host + std::string(kAdsCallbackPath);
}

/// The Ads app as stored (environment as fallback), with this server's callback when no redirect URI is stored.
ads::AdsConnectConfig adsConfig(SiteContext& ctx, const ApiRequest& request) {
    ads::AdsConnectConfig config = ads::loadAdsApp(ctx.store(), ctx.box());
    if (config.redirectUri.empty()) config.redirectUri = defaultRedirect(request);
    return config;
}

/// The company an account goes to: none (null or absent) or one that exists.
std::optional<std::int64_t> companyOf(SiteContext& ctx, const ApiRequest& request, FieldErrors& errors) {
    std::optional<std::int64_t> id;
    try {
        id = request.optionalInt("company_id");
    } catch (const ApiError& e) {
        errors.push_back({"company_id", e.what()});
        return std::nullopt;
    }
    if (id) {
        const bool exists = ctx.store().read([&](store::Tx& tx) { return tx.companies().find(*id).has_value(); });
        if (!exists) errors.push_back({"company_id", "no company with id " + std::to_string(*id)});
    }
    return id;
}

std::string nameOf(const ApiRequest& request, const std::string& fallback, FieldErrors& errors) {
    std::string name = trimmed(field(request, "name", errors));
    if (name.empty()) return fallback;
    try {
        return checkedDisplayName(name, "name");
    } catch (const ApiError& e) {
        errors.push_back({"name", e.what()});
        return name;
    }
}

std::optional<amazon::Region> regionOf(const ApiRequest& request, FieldErrors& errors) {
    const std::string text = field(request, "region", errors);
    const auto region = amazon::parseRegion(text.empty() ? "NA" : text);
    if (!region) errors.push_back({"region", "the region must be NA (North America), EU (Europe) or FE (Far East)"});
    return region;
}

JsonObject appJson(SiteContext& ctx, const ApiRequest& request) {
    const ads::AdsConnectConfig config = ads::loadAdsApp(ctx.store(), ctx.box());
    JsonObject o = object();
    o->set("configured", ads::adsAppConfigured(config));
    o->set("client_id", config.clientId);
    o->set("has_secret", !config.clientSecret.empty());  // the secret itself is never sent
    o->set("redirect_uri", config.redirectUri);
    o->set("default_redirect_uri", defaultRedirect(request));
    return o;
}

JsonObject accountJson(const ads::ConnectedAccount& connected) {
    JsonObject account = object();
    account->set("id", connected.account.id);
    account->set("kind", std::string(store::toString(connected.account.channel)));
    account->set("name", connected.account.name);
    account->set("region", connected.account.region);
    account->set("company_id", connected.account.companyId ? Poco::Dynamic::Var(*connected.account.companyId)
                                                           : Poco::Dynamic::Var());
    JsonArray profiles = array();
    for (const auto& p : connected.profiles) {
        JsonObject po = object();
        po->set("id", p.id);
        po->set("label", p.label());
        po->set("profile_id", p.info.profileId);
        po->set("currency", p.info.currencyCode);
        profiles->add(po);
    }
    JsonObject out = object();
    out->set("account", account);
    out->set("profiles", profiles);
    return out;
}

/// What Amazon's or the network's refusal of a pasted token means for the person pasting it.
[[noreturn]] void refuseAmazon(const std::exception& e) {
    if (const auto* lwa = dynamic_cast<const amazon::LwaError*>(&e)) {
        switch (lwa->kind()) {
            case amazon::LwaError::Kind::InvalidClient:
                throw ApiError(409, "Amazon refused the Ads app's client id or secret: check them under \"Amazon Ads app\"",
                               "client_id");
            case amazon::LwaError::Kind::InvalidGrant:
                throw ApiError(400, "Amazon refused this refresh token: it is revoked, expired, or was made for "
                                    "another app", "refresh_token");
            case amazon::LwaError::Kind::InvalidRequest:
                throw ApiError(400, "Amazon could not read this refresh token: paste it again, without spaces",
                               "refresh_token");
            default:
                break;
        }
    }
    if (dynamic_cast<const amazon::NetworkError*>(&e) != nullptr) {
        throw ApiError(502, std::string("Amazon could not be reached: ") + e.what());
    }
    if (const auto* ads = dynamic_cast<const ads::AdsError*>(&e)) {
        if (ads->kind() == ads::AdsError::Kind::Config) throw ApiError(400, e.what());
        throw ApiError(502, std::string("Amazon Ads refused the profile list: ") + e.what());
    }
    throw ApiError(502, std::string("Amazon refused the connection: ") + e.what());
}

}  // namespace

ApiReply adsAppGet(SiteContext& ctx, const ApiRequest& request) { return ApiReply::ok(appJson(ctx, request)); }

ApiReply adsAppPut(SiteContext& ctx, const ApiRequest& request) {
    FieldErrors errors;
    const std::string clientId = trimmed(field(request, "client_id", errors));
    const std::string secret = trimmed(field(request, "client_secret", errors));
    const std::string redirect = trimmed(field(request, "redirect_uri", errors));
    const ads::AdsConnectConfig stored = ads::loadAdsApp(ctx.store(), ctx.box());

    if (clientId.empty()) {
        errors.push_back({"client_id", "enter the Ads app's client id (Login with Amazon → your security profile → "
                                       "Web Settings)"});
    } else if (clientId.rfind("amzn1.application-oa2-client.", 0) != 0 || clientId.size() > 200 ||
               !printableNoSpace(clientId)) {
        errors.push_back({"client_id", "a Login with Amazon client id starts with amzn1.application-oa2-client."});
    }
    if (secret.empty()) {
        if (stored.clientSecret.empty()) errors.push_back({"client_secret", "enter the Ads app's client secret"});
    } else if (secret.size() < 16 || secret.size() > 512 || !printableNoSpace(secret)) {
        errors.push_back({"client_secret", "a client secret is 16 to 512 characters without spaces (copy it again "
                                           "from the security profile)"});
    }
    if (!redirect.empty()) {
        std::string problem;
        try {
            const Poco::URI uri(redirect);
            const std::string& host = uri.getHost();
            const bool local = host == "localhost" || host == "127.0.0.1";
            if (uri.getScheme() != "https" && !(uri.getScheme() == "http" && local)) {
                problem = "Amazon only redirects to https:// addresses (or http://localhost)";
            } else if (uri.getPath() != kAdsCallbackPath) {
                problem = "the redirect URI must end in " + std::string(kAdsCallbackPath) + " (the daemon's callback)";
            } else if (!uri.getQuery().empty() || !uri.getFragment().empty()) {
                problem = "the redirect URI cannot have a query or fragment";
            }
        } catch (const Poco::Exception&) {
            problem = "the redirect URI is not a valid address";
        }
        if (!problem.empty()) errors.push_back({"redirect_uri", problem});
    }
    if (!errors.empty()) refuse(errors);
    ads::saveAdsApp(ctx.store(), ctx.box(), clientId, secret, redirect, ctx.now());
    JsonObject out = appJson(ctx, request);
    out->set("message", "The Amazon Ads app is saved.");
    return ApiReply::ok(out);
}

ApiReply connectAmazonAdsPost(SiteContext& ctx, const ApiRequest& request) {
    FieldErrors errors;
    const auto companyId = companyOf(ctx, request, errors);
    const auto region = regionOf(request, errors);
    const std::string name = nameOf(request, region ? "Amazon Ads " + std::string(amazon::regionName(*region)) : "", errors);
    if (!errors.empty()) refuse(errors);
    const ads::AdsConnectConfig config = adsConfig(ctx, request);
    if (!ads::adsAppConfigured(config)) {
        throw ApiError(409, "the Amazon Ads app is not configured: enter its client id and secret first", "client_id");
    }
    const ads::AdsConnect connect(ctx.store(), ctx.box(), config);
    amazon::ConsentStart start;
    try {
        start = connect.begin(name, *region, companyId);
    } catch (const ads::AdsError& e) {
        throw ApiError(400, e.what());
    }
    ctx.store().write([&](store::Tx& tx) {
        tx.events().add(ctx.now(), companyId, store::EventLevel::Info,
                        "\"Connect with Amazon\" for Amazon Ads started for \"" + name + "\" by " +
                            request.session->userName);
    });
    JsonObject out = object();
    out->set("url", start.url);
    out->set("redirect_uri", config.redirectUri);
    return ApiReply::ok(out);
}

ApiReply connectAdsTokenPost(SiteContext& ctx, const ApiRequest& request) {
    FieldErrors errors;
    const auto companyId = companyOf(ctx, request, errors);
    const auto region = regionOf(request, errors);
    const std::string name = nameOf(request, region ? "Amazon Ads " + std::string(amazon::regionName(*region)) : "", errors);
    const std::string token = trimmed(field(request, "refresh_token", errors));
    if (token.empty()) {
        errors.push_back({"refresh_token", "paste the refresh token (it starts with Atzr|)"});
    } else if (token.rfind("Atzr|", 0) != 0 || token.size() > 4096 || !printableNoSpace(token)) {
        errors.push_back({"refresh_token", "a Login with Amazon refresh token starts with Atzr| and has no spaces"});
    }
    if (!errors.empty()) refuse(errors);
    const ads::AdsConnectConfig config = adsConfig(ctx, request);
    if (!ads::adsAppConfigured(config)) {
        throw ApiError(409, "the Amazon Ads app is not configured: enter its client id and secret first", "client_id");
    }
    const ads::AdsConnect connect(ctx.store(), ctx.box(), config);
    ads::ConnectedAccount connected;
    try {
        connected = connect.addRefreshToken(name, *region, token, companyId, ctx.now());
    } catch (const store::StoreError& e) {
        throw ApiError(409, e.what(), "name");
    } catch (const std::exception& e) {
        refuseAmazon(e);
    }
    JsonObject out = accountJson(connected);
    out->set("message", "\"" + connected.account.name + "\" is connected with " +
                            std::to_string(connected.profiles.size()) +
                            (connected.profiles.size() == 1 ? " profile" : " profiles") +
                            "; ad spend is downloaded at the next sync.");
    return ApiReply::ok(out);
}

ApiReply connectWalmartPost(SiteContext& ctx, const ApiRequest& request) {
    FieldErrors errors;
    const auto companyId = companyOf(ctx, request, errors);
    const std::string advertiser = trimmed(field(request, "advertiser_id", errors));
    const std::string name = nameOf(request, "Walmart " + advertiser, errors);
    ads::WalmartCredentials creds;
    creds.authToken = trimmed(field(request, "auth_token", errors));
    creds.consumerId = trimmed(field(request, "consumer_id", errors));
    creds.privateKey = trimmed(field(request, "private_key", errors));
    const std::string keyVersion = trimmed(field(request, "key_version", errors));
    creds.keyVersion = keyVersion.empty() ? "1" : keyVersion;
    std::string currency = trimmed(field(request, "currency", errors));
    const std::string zone = trimmed(field(request, "time_zone", errors));

    if (advertiser.empty()) {
        errors.push_back({"advertiser_id", "enter the Walmart Connect advertiser id"});
    } else if (advertiser.size() > 20 || advertiser.find_first_not_of("0123456789") != std::string::npos) {
        errors.push_back({"advertiser_id", "a Walmart Connect advertiser id is a number"});
    }
    if (creds.authToken.empty()) {
        errors.push_back({"auth_token", "enter the partner's auth token (Authorization: Bearer)"});
    } else if (creds.authToken.size() > 8192 || !printableNoSpace(creds.authToken)) {
        errors.push_back({"auth_token", "the auth token has no spaces (copy it again)"});
    }
    if (creds.consumerId.empty()) {
        errors.push_back({"consumer_id", "enter the consumer id (WM_CONSUMER.ID)"});
    } else if (creds.consumerId.size() > 200 || !printableNoSpace(creds.consumerId)) {
        errors.push_back({"consumer_id", "the consumer id has no spaces (copy it again)"});
    }
    if (creds.keyVersion.size() > 10 || creds.keyVersion.find_first_not_of("0123456789") != std::string::npos) {
        errors.push_back({"key_version", "the key version is a number (usually 1)"});
    }
    if (creds.privateKey.empty()) {
        errors.push_back({"private_key", "paste the RSA private key registered with Walmart (PEM or base64)"});
    } else {
        // Sign once, offline: a key that does not load is refused now rather than at the first sync.
        try {
            ads::WalmartConfig wc;
            wc.endpoint = "https://walmart.invalid";
            const ads::WalmartClient client(wc, creds);
            (void)client.signature("0");
        } catch (const ads::AdsError&) {
            errors.push_back({"private_key", "this is not a readable RSA private key (paste the whole PEM, with its "
                                             "BEGIN and END lines, or the base64 key Walmart gave)"});
        }
    }
    if (currency.empty()) currency = "USD";
    if (currency.size() != 3 || !std::all_of(currency.begin(), currency.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
        errors.push_back({"currency", "the currency is a three-letter code such as USD"});
    }
    if (!zone.empty()) {
        try {
            (void)settlement::TimeZone::load(zone);
        } catch (const std::exception&) {
            errors.push_back({"time_zone", "\"" + zone + "\" is not a time zone this machine knows (e.g. "
                                           "America/Los_Angeles)"});
        }
    }
    if (!errors.empty()) refuse(errors);

    ads::AdsConnectConfig config;  // Walmart needs none of the Amazon app
    const ads::AdsConnect connect(ctx.store(), ctx.box(), config);
    ads::ConnectedAccount connected;
    try {
        connected = connect.addWalmart(name, advertiser, creds, currency, zone, companyId, ctx.now());
    } catch (const ads::AdsError& e) {
        throw ApiError(400, e.what());
    } catch (const store::StoreError& e) {
        throw ApiError(409, e.what(), "name");
    }
    JsonObject out = accountJson(connected);
    out->set("message", "Walmart Connect advertiser " + advertiser + " added as \"" + connected.account.name +
                            "\"; Walmart checks the credentials at the first sync (see Home).");
    return ApiReply::ok(out);
}

}  // namespace settlebridge::admin
