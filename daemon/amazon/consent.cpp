#include "daemon/amazon/consent.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <sstream>
#include <vector>

#include "daemon/net/http.hpp"
#include "daemon/store/crypto.hpp"

namespace settlebridge::amazon {

namespace {

constexpr unsigned char kStateVersion = 1;
constexpr std::size_t kNonceBytes = 16;
constexpr std::size_t kMaxContext = 256;
constexpr std::string_view kMacLabel = "settlebridge-consent-state-v1|";

std::string base64Url(std::string_view bytes) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    encoder.rdbuf()->setLineLength(0);
    encoder.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    encoder.close();
    return out.str();
}

std::optional<std::string> unbase64Url(std::string_view text) {
    for (char c : text) {
        const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!ok) return std::nullopt;
    }
    try {
        std::istringstream in{std::string(text)};
        Poco::Base64Decoder decoder(in, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
        std::string out((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
        return out;
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

std::string mac(const std::string& key, std::string_view payload) {
    return store::hmacSha256(key, std::string(kMacLabel) + std::string(payload));
}

std::int64_t unixSeconds(net::Clock::Wall when) {
    return std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count();
}

std::vector<std::pair<std::string, std::string>> parseQuery(std::string_view text) {
    const auto question = text.find('?');
    if (question != std::string_view::npos) text = text.substr(question + 1);
    const auto hash = text.find('#');
    if (hash != std::string_view::npos) text = text.substr(0, hash);
    std::vector<std::pair<std::string, std::string>> out;
    while (!text.empty()) {
        const auto amp = text.find('&');
        const std::string_view part = text.substr(0, amp);
        text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
        if (part.empty()) continue;
        const auto eq = part.find('=');
        std::string name;
        std::string value;
        try {
            Poco::URI::decode(std::string(part.substr(0, eq)), name, true);
            if (eq != std::string_view::npos) Poco::URI::decode(std::string(part.substr(eq + 1)), value, true);
        } catch (const Poco::Exception&) {
            throw ConsentError("the answer from Amazon is not a readable address");
        }
        out.emplace_back(std::move(name), std::move(value));
    }
    return out;
}

}  // namespace

ConsentState::ConsentState(std::string key, net::Clock& clock) : key_(std::move(key)), clock_(clock) {
    if (key_.size() < 32) throw ConfigError("the consent-state key must be at least 32 bytes");
}

std::string ConsentState::issue(std::string_view context, std::chrono::seconds lifetime) const {
    if (context.size() > kMaxContext) throw ConfigError("a consent context is limited to 256 bytes");
    const std::int64_t expiry = unixSeconds(clock_.wallNow()) + lifetime.count();
    std::string payload;
    payload.push_back(static_cast<char>(kStateVersion));
    for (int shift = 56; shift >= 0; shift -= 8) {
        payload.push_back(static_cast<char>((static_cast<std::uint64_t>(expiry) >> shift) & 0xFF));
    }
    payload += store::randomBytes(kNonceBytes);
    payload += context;
    return base64Url(payload) + "." + base64Url(mac(key_, payload));
}

std::string ConsentState::verify(std::string_view state) const {
    const auto dot = state.find('.');
    const std::optional<std::string> payload =
        dot == std::string_view::npos ? std::nullopt : unbase64Url(state.substr(0, dot));
    const std::optional<std::string> tag =
        dot == std::string_view::npos ? std::nullopt : unbase64Url(state.substr(dot + 1));
    if (!payload || !tag || payload->size() < 1 + 8 + kNonceBytes ||
        static_cast<unsigned char>((*payload)[0]) != kStateVersion) {
        throw ConsentError("this authorization answer was not started by Settlebridge (unknown state): "
                           "start \"Connect with Amazon\" again from Settlebridge");
    }
    if (!store::constantTimeEqual(*tag, mac(key_, *payload))) {
        throw ConsentError("this authorization answer was not started by this Settlebridge (the state does not "
                           "verify): start \"Connect with Amazon\" again from Settlebridge");
    }
    std::uint64_t expiry = 0;
    for (std::size_t i = 1; i <= 8; ++i) expiry = (expiry << 8) | static_cast<unsigned char>((*payload)[i]);
    if (static_cast<std::int64_t>(expiry) < unixSeconds(clock_.wallNow())) {
        throw ConsentError("this authorization took too long and has expired: start \"Connect with Amazon\" again");
    }
    return payload->substr(1 + 8 + kNonceBytes);
}

ConsentCallback parseConsentCallback(std::string_view queryOrUrl) {
    ConsentCallback out;
    std::string error;
    std::string errorDescription;
    for (auto& [name, value] : parseQuery(queryOrUrl)) {
        if (name == "spapi_oauth_code") out.code = std::move(value);
        else if (name == "state") out.state = std::move(value);
        else if (name == "selling_partner_id") out.sellingPartnerId = std::move(value);
        else if (name == "error") error = std::move(value);
        else if (name == "error_description") errorDescription = std::move(value);
    }
    if (!error.empty()) {
        throw ConsentError("Amazon did not authorize Settlebridge (" + error +
                           (errorDescription.empty() ? "" : ": " + errorDescription) +
                           "); the seller can start \"Connect with Amazon\" again");
    }
    if (out.state.empty()) throw ConsentError("Amazon's answer carried no state: start \"Connect with Amazon\" again");
    if (out.code.empty()) {
        throw ConsentError("Amazon's answer carried no authorization code (spapi_oauth_code): start \"Connect with "
                           "Amazon\" again");
    }
    return out;
}

std::string consentUrl(const ConsentConfig& config, std::string_view state) {
    if (config.sellerCentralUrl.empty() || config.applicationId.empty()) {
        throw ConfigError("\"Connect with Amazon\" needs the app's application id and the Seller Central address");
    }
    std::string base = config.sellerCentralUrl;
    while (!base.empty() && base.back() == '/') base.pop_back();
    std::string url = base + "/apps/authorize/consent?application_id=" + net::percentEncode(config.applicationId) +
                      "&state=" + net::percentEncode(state);
    if (!config.redirectUri.empty()) url += "&redirect_uri=" + net::percentEncode(config.redirectUri);
    if (config.draftApp) url += "&version=beta";
    return url;
}

ConnectWithAmazon::ConnectWithAmazon(ConsentConfig config, const LwaClient& lwa, std::string stateKey, net::Clock& clock)
    : config_(std::move(config)), lwa_(lwa), states_(std::move(stateKey), clock) {}

ConsentStart ConnectWithAmazon::begin(std::string_view context) const {
    ConsentStart start;
    start.state = states_.issue(context, config_.stateLifetime);
    start.url = consentUrl(config_, start.state);
    return start;
}

ConsentResult ConnectWithAmazon::complete(std::string_view callbackQueryOrUrl) const {
    const ConsentCallback callback = parseConsentCallback(callbackQueryOrUrl);
    ConsentResult result;
    result.context = states_.verify(callback.state);
    result.sellingPartnerId = callback.sellingPartnerId;
    result.tokens = lwa_.exchangeAuthorizationCode(callback.code, config_.redirectUri);
    if (result.tokens.refreshToken.empty()) {
        throw LwaError(LwaError::Kind::Unexpected, 200, "", "",
                       "Amazon authorized Settlebridge but sent no refresh token: start \"Connect with Amazon\" again");
    }
    return result;
}

}  // namespace settlebridge::amazon
