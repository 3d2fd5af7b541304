#include "daemon/ads/connect.hpp"

#include "daemon/ads/amazon_ads_client.hpp"
#include "daemon/ads/credentials.hpp"
#include "daemon/ads/errors.hpp"
#include "daemon/amazon/lwa.hpp"
#include "daemon/store/secrets.hpp"
#include "daemon/store/store.hpp"

namespace settlebridge::ads {

namespace {

std::string percentDecode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out.push_back(' ');
        } else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
                   std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

std::string stateKey(const store::SecretBox& box) { return box.deriveKey("amazon-ads-consent-state"); }

/// context = "<region>|<company id or ->|<name>"
std::string makeContext(amazon::Region region, std::optional<std::int64_t> companyId, std::string_view name) {
    return std::string(amazon::regionName(region)) + "|" + (companyId ? std::to_string(*companyId) : "-") + "|" +
           std::string(name);
}

/// Login with Amazon for the Ads API of `region` with these app credentials (the token URL can point at a simulator).
amazon::LwaConfig lwaConfig(const AdsConnectConfig& config, amazon::Region region, const std::string& clientId,
                            const std::string& clientSecret) {
    amazon::LwaConfig lc;
    lc.tokenUrl = config.tokenUrl.empty() ? adsTokenUrl(region) : config.tokenUrl;
    lc.clientId = clientId;
    lc.clientSecret = clientSecret;
    lc.http = config.http;
    lc.retry = config.retry;
    return lc;
}

}  // namespace

AdsCallback parseAdsCallback(std::string_view queryOrUrl) {
    if (const auto q = queryOrUrl.find('?'); q != std::string_view::npos) queryOrUrl.remove_prefix(q + 1);
    AdsCallback cb;
    std::string error;
    std::string errorDescription;
    while (!queryOrUrl.empty()) {
        const auto amp = queryOrUrl.find('&');
        const std::string_view pair = queryOrUrl.substr(0, amp);
        queryOrUrl.remove_prefix(amp == std::string_view::npos ? queryOrUrl.size() : amp + 1);
        const auto eq = pair.find('=');
        const std::string key = percentDecode(pair.substr(0, eq));
        const std::string value = eq == std::string_view::npos ? "" : percentDecode(pair.substr(eq + 1));
        if (key == "code") cb.code = value;
        else if (key == "state") cb.state = value;
        else if (key == "error") error = value;
        else if (key == "error_description") errorDescription = value;
    }
    if (!error.empty()) {
        throw amazon::ConsentError(error == "access_denied"
                                       ? "the Amazon Ads authorization was declined"
                                       : "Amazon reported an error instead of an authorization: " + error +
                                             (errorDescription.empty() ? "" : " (" + errorDescription + ")"));
    }
    if (cb.state.empty()) throw amazon::ConsentError("the Amazon Ads callback has no state: start the connection again");
    if (cb.code.empty()) throw amazon::ConsentError("the Amazon Ads callback has no authorization code");
    return cb;
}

AdsConnect::AdsConnect(store::Store& store, const store::SecretBox& box, AdsConnectConfig config, net::Clock& clock)
    : store_(store), box_(box), config_(std::move(config)), clock_(clock) {}

amazon::ConsentStart AdsConnect::begin(std::string_view name, amazon::Region region,
                                       std::optional<std::int64_t> companyId) const {
    if (name.empty()) throw AdsError(AdsError::Kind::Config, "an ads account needs a name");
    if (config_.clientId.empty()) throw AdsError(AdsError::Kind::Config, "no Amazon Ads client id configured");
    const amazon::ConsentState states(stateKey(box_), clock_);
    amazon::ConsentStart start;
    start.state = states.issue(makeContext(region, companyId, name), config_.stateLifetime);
    const std::string base = config_.authorizeUrl.empty() ? adsAuthorizeUrl(region) : config_.authorizeUrl;
    start.url = base + "?client_id=" + net::percentEncode(config_.clientId) + "&scope=" + net::percentEncode(kAdsScope) +
                "&response_type=code&redirect_uri=" + net::percentEncode(config_.redirectUri) +
                "&state=" + net::percentEncode(start.state);
    return start;
}

ConnectedAccount AdsConnect::complete(std::string_view callbackQueryOrUrl, store::Timestamp now) const {
    const AdsCallback cb = parseAdsCallback(callbackQueryOrUrl);
    const amazon::ConsentState states(stateKey(box_), clock_);
    const std::string context = states.verify(cb.state);
    const auto bar1 = context.find('|');
    const auto bar2 = context.find('|', bar1 == std::string::npos ? bar1 : bar1 + 1);
    if (bar1 == std::string::npos || bar2 == std::string::npos) throw amazon::ConsentError("the consent state is malformed");
    const auto region = amazon::parseRegion(context.substr(0, bar1)).value_or(amazon::Region::NA);
    const std::string company = context.substr(bar1 + 1, bar2 - bar1 - 1);
    const std::optional<std::int64_t> companyId =
        company == "-" ? std::nullopt : std::optional<std::int64_t>(std::stoll(company));
    const amazon::LwaClient lwa(lwaConfig(config_, region, config_.clientId, config_.clientSecret), clock_);
    const amazon::TokenGrant grant = lwa.exchangeAuthorizationCode(cb.code, config_.redirectUri);
    if (grant.refreshToken.empty()) {
        throw amazon::ConsentError("Amazon granted access but sent no refresh token: connect again");
    }
    return store(context.substr(bar2 + 1), region, grant.refreshToken, companyId, now);
}

ConnectedAccount AdsConnect::addRefreshToken(std::string_view name, amazon::Region region, std::string_view refreshToken,
                                             std::optional<std::int64_t> companyId, store::Timestamp now) const {
    if (refreshToken.empty()) throw AdsError(AdsError::Kind::Config, "the refresh token is empty");
    return store(name, region, refreshToken, companyId, now);
}

ConnectedAccount AdsConnect::store(std::string_view name, amazon::Region region, std::string_view refreshToken,
                                   std::optional<std::int64_t> companyId, store::Timestamp now) const {
    if (name.empty()) throw AdsError(AdsError::Kind::Config, "an ads account needs a name");
    // Profiles first: nothing is stored unless the token works and the profile list is readable.
    const amazon::LwaClient lwa(lwaConfig(config_, region, config_.clientId, config_.clientSecret), clock_);
    amazon::AccessTokenProvider tokens(lwa, std::string(refreshToken));
    AdsApiConfig ac;
    ac.endpoint = config_.apiEndpoint.empty() ? adsApiEndpoint(region) : config_.apiEndpoint;
    ac.clientId = config_.clientId;
    ac.http = config_.http;
    ac.retry = config_.retry;
    AdsApiClient client(ac, tokens, clock_);
    const auto imported = client.listProfiles();
    const std::string token = tokens.rotatedRefreshToken().value_or(std::string(refreshToken));

    AmazonAdsCredentials creds{config_.clientId, config_.clientSecret, token};
    return store_.write([&](store::Tx& tx) {
        store::AdsAccounts accounts(tx.database());
        store::AdsAccount a;
        a.channel = store::AdsChannel::AmazonAds;
        a.name = std::string(name);
        a.region = std::string(amazon::regionName(region));
        a.companyId = companyId;
        ConnectedAccount out;
        out.account = accounts.create(a, now);
        accounts.setCredentials(out.account.id, box_, creds.toJson(), now);
        out.account = *accounts.find(out.account.id);
        store::AdsProfiles profiles(tx.database());
        for (const auto& p : imported) out.profiles.push_back(profiles.upsertImported(out.account.id, p, now, config_.backfillDays));
        tx.events().add(now, companyId, store::EventLevel::Info,
                        "Amazon Ads account \"" + a.name + "\" connected with " + std::to_string(imported.size()) +
                            " profile" + (imported.size() == 1 ? "" : "s"));
        return out;
    });
}

std::vector<store::AdsProfile> AdsConnect::importProfiles(std::int64_t accountId, store::Timestamp now) const {
    const auto [account, secret] = store_.read([&](store::Tx& tx) {
        store::AdsAccounts accounts(tx.database());
        return std::make_pair(accounts.find(accountId), accounts.credentials(accountId, box_));
    });
    if (!account) throw AdsError(AdsError::Kind::Config, "no ads account with id " + std::to_string(accountId));
    if (account->channel != store::AdsChannel::AmazonAds) {
        throw AdsError(AdsError::Kind::Config, "only Amazon Ads accounts list their profiles");
    }
    if (!secret) throw AdsError(AdsError::Kind::Config, "the account has no credentials: connect it again");
    const AmazonAdsCredentials creds = AmazonAdsCredentials::fromJson(*secret);
    const auto region = amazon::parseRegion(account->region).value_or(amazon::Region::NA);
    const amazon::LwaClient lwa(lwaConfig(config_, region, creds.clientId, creds.clientSecret), clock_);
    amazon::AccessTokenProvider tokens(lwa, creds.refreshToken);
    AdsApiConfig ac;
    ac.endpoint = config_.apiEndpoint.empty() ? adsApiEndpoint(region) : config_.apiEndpoint;
    ac.clientId = creds.clientId;
    ac.http = config_.http;
    ac.retry = config_.retry;
    AdsApiClient client(ac, tokens, clock_);
    const auto imported = client.listProfiles();
    return store_.write([&](store::Tx& tx) {
        store::AdsProfiles profiles(tx.database());
        std::vector<store::AdsProfile> out;
        for (const auto& p : imported) out.push_back(profiles.upsertImported(accountId, p, now, config_.backfillDays));
        return out;
    });
}

ConnectedAccount AdsConnect::addWalmart(std::string_view name, std::string_view advertiserId,
                                        const WalmartCredentials& credentials, std::string_view currency,
                                        std::string_view timeZone, std::optional<std::int64_t> companyId,
                                        store::Timestamp now) const {
    if (name.empty()) throw AdsError(AdsError::Kind::Config, "an ads account needs a name");
    if (advertiserId.empty() || advertiserId.find_first_not_of("0123456789") != std::string_view::npos) {
        throw AdsError(AdsError::Kind::Config, "a Walmart advertiser id is a number");
    }
    WalmartCredentials::fromJson(credentials.toJson());  // completeness check
    return store_.write([&](store::Tx& tx) {
        store::AdsAccounts accounts(tx.database());
        store::AdsAccount a;
        a.channel = store::AdsChannel::WalmartConnect;
        a.name = std::string(name);
        a.companyId = companyId;
        ConnectedAccount out;
        out.account = accounts.create(a, now);
        accounts.setCredentials(out.account.id, box_, credentials.toJson(), now);
        out.account = *accounts.find(out.account.id);
        store::ImportedProfile p;
        p.profileId = std::string(advertiserId);
        p.countryCode = "US";
        p.currencyCode = currency.empty() ? "USD" : std::string(currency);
        p.timeZone = timeZone.empty() ? "America/Los_Angeles" : std::string(timeZone);
        p.accountName = std::string(name);
        p.accountType = "walmart";
        out.profiles.push_back(store::AdsProfiles(tx.database()).upsertImported(out.account.id, p, now, config_.backfillDays));
        tx.events().add(now, companyId, store::EventLevel::Info, "Walmart Connect advertiser " + std::string(advertiserId) + " added");
        return out;
    });
}

}  // namespace settlebridge::ads
