#pragma once
// Login with Amazon (LWA): the token endpoint's two grants, and the access-token cache the SP-API client uses.
//
//   POST https://api.amazon.com/auth/o2/token   (Content-Type: application/x-www-form-urlencoded;charset=UTF-8)
//     grant_type=refresh_token&refresh_token=Atzr|…&client_id=…&client_secret=…
//     grant_type=authorization_code&code=…&client_id=…&client_secret=…[&redirect_uri=…]
//   200 {"access_token":"Atza|…","token_type":"bearer","expires_in":3600,"refresh_token":"Atzr|…"}
//   401 {"error":"invalid_client","error_description":"Client authentication failed"}
//   400 {"error":"invalid_grant","error_description":"The request has an invalid grant parameter : refresh_token"}
//
// Errors: LwaError (InvalidClient / InvalidGrant / InvalidRequest / Unavailable / Unexpected), NetworkError,
// ConfigError, CancelledError; every message is written for the seller. 429 and 5xx are retried with backoff.

#include <chrono>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "daemon/net/clock.hpp"
#include "daemon/net/http.hpp"
#include "daemon/net/retry.hpp"

namespace settlebridge::amazon {

struct LwaConfig {
    /// The token endpoint. Production: kLwaTokenUrl; tests: the simulator's http://127.0.0.1:PORT/auth/o2/token.
    std::string tokenUrl = "https://api.amazon.com/auth/o2/token";
    std::string clientId;      // amzn1.application-oa2-client.…
    std::string clientSecret;  // amzn1.oa2-cs.v1.…
    std::string userAgent;     // "" = defaultUserAgent()
    net::HttpOptions http;
    net::RetryPolicy retry;
    std::stop_token stop;
};

struct TokenGrant {
    std::string accessToken;
    std::string tokenType;          // "bearer"
    std::chrono::seconds expiresIn{0};
    std::string refreshToken;       // "" when the answer had none
};

class LwaClient {
public:
    explicit LwaClient(LwaConfig config, net::Clock& clock = net::SystemClock::instance());

    /// A fresh access token for `refreshToken`.
    TokenGrant refresh(std::string_view refreshToken) const;
    /// Exchanges the `spapi_oauth_code` of a "Connect with Amazon" callback for a refresh token (and a first
    /// access token). `redirectUri` is sent when not empty (it must then be the one the consent used).
    TokenGrant exchangeAuthorizationCode(std::string_view code, std::string_view redirectUri = {}) const;

    const LwaConfig& config() const noexcept { return config_; }
    net::Clock& clock() const noexcept { return clock_; }

private:
    TokenGrant post(const std::string& grantType, const std::vector<std::pair<std::string, std::string>>& fields) const;
    LwaConfig config_;
    net::Clock& clock_;
    net::HttpClient http_;
    mutable net::Backoff backoff_;
};

/// The access token of one connection, cached until `refreshMargin` before it expires. Thread-safe: callers
/// that find it stale at once share one refresh.
class AccessTokenProvider {
public:
    AccessTokenProvider(const LwaClient& lwa, std::string refreshToken,
                        std::chrono::seconds refreshMargin = std::chrono::seconds{300});

    /// The cached token, or a new one when there is none or it is about to expire.
    std::string accessToken();
    /// Drops `rejectedToken` if it is still the cached one (SP-API refused it), so the next accessToken()
    /// refreshes; a token another caller already replaced is left alone.
    void invalidate(std::string_view rejectedToken);
    /// Refreshes now, whatever the cache holds.
    std::string forceRefresh();

    /// How many refresh-token grants this provider has made.
    int refreshCount() const;
    /// The refresh token LWA returned in its last answer, when it differs from the one configured (LWA
    /// normally echoes the same; a caller that stores tokens should store a changed one).
    std::optional<std::string> rotatedRefreshToken() const;

private:
    std::string refreshLocked();
    const LwaClient& lwa_;
    std::string refreshToken_;
    std::chrono::seconds margin_;
    mutable std::mutex mutex_;
    std::string token_;
    net::Clock::Steady expiresAt_{};
    int refreshes_ = 0;
    std::optional<std::string> rotated_;
};

/// "Settlebridge/0.1.0 (Language=C++; Platform=Linux)" — SP-API wants a user agent naming the app, its
/// version, the language and the platform, at most 500 characters.
std::string defaultUserAgent();

}  // namespace settlebridge::amazon
