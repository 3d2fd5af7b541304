#include "daemon/amazon/lwa.hpp"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>

#include <algorithm>

#include "daemon/amazon/errors.hpp"
#include "daemon/net/send.hpp"

#ifndef SETTLEBRIDGE_VERSION
#define SETTLEBRIDGE_VERSION "0.0.0"
#endif

namespace settlebridge::amazon {

namespace {

Poco::Logger& logger() { return Poco::Logger::get("settlebridge.amazon.lwa"); }

struct LwaAnswer {
    std::string error;
    std::string description;
};

LwaAnswer parseError(const std::string& body) {
    LwaAnswer out;
    try {
        Poco::JSON::Parser parser;
        const auto object = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
        if (object) {
            out.error = object->optValue<std::string>("error", "");
            out.description = object->optValue<std::string>("error_description", "");
        }
    } catch (const Poco::Exception&) {
    } catch (const std::exception&) {
    }
    return out;
}

std::string snippet(const std::string& body) {
    std::string s = body.substr(0, 200);
    std::replace(s.begin(), s.end(), '\n', ' ');
    return s;
}

[[noreturn]] void throwRefusal(const std::string& grantType, int status, const std::string& body) {
    const LwaAnswer answer = parseError(body);
    const std::string technical =
        " (LWA " + std::to_string(status) + (answer.error.empty() ? "" : " " + answer.error) +
        (answer.description.empty() ? (answer.error.empty() ? ": " + snippet(body) : "") : ": " + answer.description) +
        ")";
    const bool codeGrant = grantType == "authorization_code";
    if (answer.error == "invalid_client" || answer.error == "unauthorized_client" ||
        (answer.error.empty() && status == 401)) {
        throw LwaError(LwaError::Kind::InvalidClient, status, answer.error, answer.description,
                       "Amazon rejected the app's LWA client id or client secret: check both in Settlebridge's "
                       "Amazon settings (Seller Central → Apps and Services → Develop Apps → View LWA credentials)" +
                           technical);
    }
    if (answer.error == "invalid_grant") {
        if (codeGrant) {
            throw LwaError(LwaError::Kind::InvalidGrant, status, answer.error, answer.description,
                           "Amazon did not accept the authorization code: it was already used or has expired "
                           "(codes last five minutes); start \"Connect with Amazon\" again" +
                               technical);
        }
        throw LwaError(LwaError::Kind::InvalidGrant, status, answer.error, answer.description,
                       "Amazon no longer accepts this connection's refresh token (it was revoked, has expired, or "
                       "belongs to another app): reconnect the seller account with \"Connect with Amazon\" or paste "
                       "a new refresh token" +
                           technical);
    }
    if (answer.error == "invalid_request" || answer.error == "unsupported_grant_type" ||
        answer.error == "invalid_scope") {
        throw LwaError(LwaError::Kind::InvalidRequest, status, answer.error, answer.description,
                       "Amazon refused the token request as malformed; check that the " +
                           std::string(codeGrant ? "authorization code" : "refresh token") +
                           " was copied whole, without spaces" + technical);
    }
    throw LwaError(LwaError::Kind::Unexpected, status, answer.error, answer.description,
                   "Login with Amazon gave an unexpected answer" + technical);
}

TokenGrant parseGrant(const std::string& body) {
    TokenGrant grant;
    try {
        Poco::JSON::Parser parser;
        const auto object = parser.parse(body).extract<Poco::JSON::Object::Ptr>();
        if (!object) throw Poco::DataException("not a JSON object");
        grant.accessToken = object->optValue<std::string>("access_token", "");
        grant.tokenType = object->optValue<std::string>("token_type", "");
        grant.refreshToken = object->optValue<std::string>("refresh_token", "");
        const Poco::Dynamic::Var expires = object->get("expires_in");
        std::int64_t seconds = 3600;
        if (!expires.isEmpty()) {
            seconds = expires.isString() ? std::stoll(expires.extract<std::string>()) : expires.convert<std::int64_t>();
        }
        grant.expiresIn = std::chrono::seconds{std::max<std::int64_t>(seconds, 0)};
    } catch (const std::exception& e) {
        throw LwaError(LwaError::Kind::Unexpected, 200, "", "",
                       "Login with Amazon answered with something that is not a token (" + std::string(e.what()) + ")");
    }
    if (grant.accessToken.empty()) {
        throw LwaError(LwaError::Kind::Unexpected, 200, "", "",
                       "Login with Amazon answered without an access token: " + snippet(body));
    }
    return grant;
}

}  // namespace

std::string defaultUserAgent() {
#if defined(_WIN32)
    constexpr const char* platform = "Windows";
#elif defined(__APPLE__)
    constexpr const char* platform = "macOS";
#elif defined(__linux__)
    constexpr const char* platform = "Linux";
#else
    constexpr const char* platform = "Unix";
#endif
    return std::string("Settlebridge/") + SETTLEBRIDGE_VERSION + " (Language=C++; Platform=" + platform + ")";
}

LwaClient::LwaClient(LwaConfig config, net::Clock& clock)
    : config_(std::move(config)), clock_(clock), http_(config_.http), backoff_(config_.retry) {
    if (config_.userAgent.empty()) config_.userAgent = defaultUserAgent();
}

TokenGrant LwaClient::refresh(std::string_view refreshToken) const {
    if (refreshToken.empty()) {
        throw LwaError(LwaError::Kind::InvalidGrant, 0, "", "",
                       "this connection has no refresh token: connect it with \"Connect with Amazon\" or paste one");
    }
    return post("refresh_token", {{"refresh_token", std::string(refreshToken)}});
}

TokenGrant LwaClient::exchangeAuthorizationCode(std::string_view code, std::string_view redirectUri) const {
    if (code.empty()) {
        throw LwaError(LwaError::Kind::InvalidRequest, 0, "", "",
                       "Amazon's answer carried no authorization code: start \"Connect with Amazon\" again");
    }
    std::vector<std::pair<std::string, std::string>> fields{{"code", std::string(code)}};
    if (!redirectUri.empty()) fields.emplace_back("redirect_uri", std::string(redirectUri));
    return post("authorization_code", fields);
}

TokenGrant LwaClient::post(const std::string& grantType,
                           const std::vector<std::pair<std::string, std::string>>& extra) const {
    if (config_.clientId.empty() || config_.clientSecret.empty()) {
        throw ConfigError("the Amazon app's LWA client id and client secret are not configured");
    }
    std::vector<std::pair<std::string, std::string>> fields{{"grant_type", grantType}};
    fields.insert(fields.end(), extra.begin(), extra.end());
    fields.emplace_back("client_id", config_.clientId);
    fields.emplace_back("client_secret", config_.clientSecret);

    net::HttpRequest request;
    request.method = "POST";
    request.url = config_.tokenUrl;
    request.contentType = "application/x-www-form-urlencoded;charset=UTF-8";
    request.body = net::formEncode(fields);
    request.headers = {{"User-Agent", config_.userAgent}, {"Accept", "application/json"}};

    net::SendHooks hooks;
    hooks.build = [&] { return request; };
    hooks.onRetry = [](const net::HttpResponse* answer, const std::string& failure, std::chrono::milliseconds) {
        if (answer == nullptr) {
            logger().warning("LWA token request failed (%s); retrying", failure);
        } else {
            logger().warning("LWA answered %d; retrying", answer->status);
        }
    };
    const net::SendOutcome outcome = net::sendWithRetry(http_, clock_, backoff_, config_.stop, hooks);
    const net::HttpResponse& response = outcome.response;
    if (response.status == 200) return parseGrant(response.body);
    if (!net::isRetryableStatus(response.status)) throwRefusal(grantType, response.status, response.body);
    if (outcome.waitTooLong) {
        throw LwaError(LwaError::Kind::Unavailable, response.status, "", "",
                       "Login with Amazon asked to wait longer than Settlebridge waits: try again later");
    }
    const LwaAnswer answer = parseError(response.body);
    throw LwaError(LwaError::Kind::Unavailable, response.status, answer.error, answer.description,
                   "Login with Amazon is not available right now (HTTP " + std::to_string(response.status) +
                       " after " + std::to_string(std::max(1, config_.retry.maxAttempts)) + " tries): try again later");
}

AccessTokenProvider::AccessTokenProvider(const LwaClient& lwa, std::string refreshToken,
                                         std::chrono::seconds refreshMargin)
    : lwa_(lwa), refreshToken_(std::move(refreshToken)), margin_(refreshMargin) {}

std::string AccessTokenProvider::refreshLocked() {
    const net::Clock::Steady requested = lwa_.clock().now();
    TokenGrant grant = lwa_.refresh(refreshToken_);
    ++refreshes_;
    // Refresh a little early: `margin` before expiry, but never more than half of the token's life.
    const std::chrono::seconds margin = std::min(margin_, grant.expiresIn / 2);
    token_ = std::move(grant.accessToken);
    expiresAt_ = requested + (grant.expiresIn - margin);
    if (!grant.refreshToken.empty() && grant.refreshToken != refreshToken_) rotated_ = grant.refreshToken;
    return token_;
}

std::string AccessTokenProvider::accessToken() {
    std::lock_guard lock(mutex_);
    if (!token_.empty() && lwa_.clock().now() < expiresAt_) return token_;
    return refreshLocked();
}

void AccessTokenProvider::invalidate(std::string_view rejectedToken) {
    std::lock_guard lock(mutex_);
    if (token_ == rejectedToken) token_.clear();
}

std::string AccessTokenProvider::forceRefresh() {
    std::lock_guard lock(mutex_);
    return refreshLocked();
}

int AccessTokenProvider::refreshCount() const {
    std::lock_guard lock(mutex_);
    return refreshes_;
}

std::optional<std::string> AccessTokenProvider::rotatedRefreshToken() const {
    std::lock_guard lock(mutex_);
    return rotated_;
}

}  // namespace settlebridge::amazon
