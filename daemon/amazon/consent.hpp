#pragma once
// "Connect with Amazon" (the SP-API website authorization workflow):
//
//   1. begin(context) → the Seller Central consent URL
//        {sellerCentral}/apps/authorize/consent?application_id=amzn1.sp.solution.…&state=…[&redirect_uri=…][&version=beta]
//      The seller's browser is sent there; `version=beta` is needed while the app is in Draft state.
//   2. The seller logs in and authorizes; Amazon redirects the browser to the redirect URI with
//        ?spapi_oauth_code=…&state=…&selling_partner_id=…
//   3. complete(callback query) checks the state and exchanges the code (valid five minutes, single use) at the
//      LWA token endpoint for the refresh token to store (encrypted) with the connection.
//
// The state is self-verifying, so nothing has to be remembered between 1 and 3 (the daemon keeps no state
// outside its database, and a restart in between does no harm): base64url(version | expiry | nonce | context)
// "." base64url(HMAC-SHA256). `context` is whatever the caller needs back (the connection's id, say).

#include <chrono>
#include <string>
#include <string_view>

#include "daemon/net/clock.hpp"
#include "daemon/amazon/errors.hpp"
#include "daemon/amazon/lwa.hpp"

namespace settlebridge::amazon {

/// The callback was not a valid answer to a consent we started (forged or stale state, missing code, or the
/// seller declined). The message is for the seller.
class ConsentError : public AmazonError {
public:
    using AmazonError::AmazonError;
};

struct ConsentConfig {
    /// The Seller Central site of the seller's region (sellerCentralUrl(region)) or the simulator's base URL.
    std::string sellerCentralUrl;
    /// The app's id from the Developer Console (amzn1.sp.solution.… or amzn1.sellerapps.app.…).
    std::string applicationId;
    /// Where Amazon sends the browser back; must be one of the app's registered redirect URIs. "" = Amazon uses
    /// the app's default.
    std::string redirectUri;
    /// Adds version=beta (an app still in Draft state).
    bool draftApp = false;
    /// How long a started consent stays valid.
    std::chrono::seconds stateLifetime{std::chrono::minutes{30}};
};

/// Signs and checks state values. `key` is at least 32 secret bytes (e.g. SecretBox::deriveKey("consent-state")).
class ConsentState {
public:
    ConsentState(std::string key, net::Clock& clock = net::SystemClock::instance());
    /// A fresh state carrying `context` (at most 256 bytes) valid for `lifetime`.
    std::string issue(std::string_view context, std::chrono::seconds lifetime) const;
    /// The context of a state we issued and that has not expired. Throws ConsentError otherwise.
    std::string verify(std::string_view state) const;

private:
    std::string key_;
    net::Clock& clock_;
};

struct ConsentStart {
    std::string url;    // send the seller's browser here
    std::string state;  // also inside the URL; handy for logs/tests
};

struct ConsentCallback {
    std::string code;              // spapi_oauth_code
    std::string state;
    std::string sellingPartnerId;  // selling_partner_id (the seller id)
};

struct ConsentResult {
    std::string context;           // what begin() was given
    std::string sellingPartnerId;
    TokenGrant tokens;             // tokens.refreshToken is the one to store
};

/// Reads the callback's parameters from a query string ("a=1&b=2", with or without a leading '?') or a whole
/// URL. Throws ConsentError when Amazon reports an error (error=…) or a parameter is missing.
ConsentCallback parseConsentCallback(std::string_view queryOrUrl);

/// The consent URL for a given state (no signing; see ConnectWithAmazon for the whole flow).
std::string consentUrl(const ConsentConfig& config, std::string_view state);

class ConnectWithAmazon {
public:
    /// `stateKey`: see ConsentState. The LwaClient carries the app's client id and secret.
    ConnectWithAmazon(ConsentConfig config, const LwaClient& lwa, std::string stateKey,
                      net::Clock& clock = net::SystemClock::instance());

    ConsentStart begin(std::string_view context) const;
    /// Verifies the state, then exchanges the code. Throws ConsentError (bad/expired state, missing code,
    /// seller declined) or the LWA errors (LwaError InvalidGrant for a used/expired code, InvalidClient...).
    ConsentResult complete(std::string_view callbackQueryOrUrl) const;

private:
    ConsentConfig config_;
    const LwaClient& lwa_;
    ConsentState states_;
};

}  // namespace settlebridge::amazon
