#pragma once
// Amazon seller connections as the seller and the operator handle them: the operator's SP-API app (configured
// once), "Connect with Amazon" (consent URL → callback → refresh token stored sealed), a pasted refresh token
// of a self-authorized app, and "Test connection". Used by the CLI, the admin page and the OAuth callback route.
//
// Where Amazon is: production hosts by region, or — for the simulator in tests and the demo — one base URL
// (app setting `amazon.endpoint`) serving the consent page, the LWA token endpoint and SP-API alike.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/amazon/connection_check.hpp"
#include "daemon/amazon/consent.hpp"
#include "daemon/net/http.hpp"
#include "daemon/amazon/lwa.hpp"
#include "daemon/amazon/region.hpp"
#include "daemon/amazon/reports_client.hpp"
#include "daemon/net/retry.hpp"
#include "daemon/store/amazon_connections.hpp"
#include "daemon/store/secrets.hpp"
#include "daemon/store/store.hpp"

namespace settlebridge::amazon {

/// App settings names (store::AppSettings).
namespace setting {
inline constexpr std::string_view kEndpoint = "amazon.endpoint";              // "" = production
inline constexpr std::string_view kApplicationId = "amazon.application_id";   // amzn1.sp.solution.…
inline constexpr std::string_view kClientId = "amazon.client_id";             // LWA client id of the app
inline constexpr std::string_view kClientSecret = "amazon.client_secret";     // sealed (app_secrets)
inline constexpr std::string_view kRedirectUri = "amazon.redirect_uri";       // …/oauth/amazon/callback
inline constexpr std::string_view kDraftApp = "amazon.draft_app";             // "1": consent with version=beta
inline constexpr std::string_view kCaFile = "amazon.ca_file";                 // extra trusted CAs (PEM)
}  // namespace setting

/// The path the daemon serves the consent callback on.
inline constexpr std::string_view kCallbackPath = "/oauth/amazon/callback";

/// The operator's SP-API application (what "Connect with Amazon" sends sellers to authorize).
struct OperatorApp {
    std::string applicationId;
    std::string clientId;
    std::string clientSecret;
    std::string redirectUri;
    bool draftApp = false;
    bool configured() const noexcept { return !applicationId.empty() && !clientId.empty() && !clientSecret.empty(); }
};

/// Production hosts, or everything at one base URL.
struct Endpoints {
    std::string base;  // "" = production
    std::string sellerCentral(Region region) const;
    std::string lwaTokenUrl() const;
    std::string spApi(Region region) const;  // "" = the region's production endpoint (SpApiConfig default)
};

struct AccountsOptions {
    net::HttpOptions http;
    net::RetryPolicy retry;
};

/// A request the accounts layer refuses (unknown company or connection, app not configured, bad value): the
/// message is for the user.
class AccountError : public AmazonError {
public:
    using AmazonError::AmazonError;
};

/// Everything needed to talk to Amazon for one connection.
struct ConnectionAccess {
    store::AmazonConnection connection;
    Region region = Region::NA;
    LwaConfig lwa;
    SpApiConfig spApi;
    std::string refreshToken;
};

struct ConnectionSetup {
    std::string companyName;
    std::string name;                          // "" = "<region> seller"
    Region region = Region::NA;
    std::vector<std::string> marketplaceIds;
    std::optional<int> downloadWindowDays;     // 1..90
    std::optional<int> syncEveryMinutes;
};

class Accounts {
public:
    Accounts(store::Store& store, const store::SecretBox& box, AccountsOptions options = {});

    OperatorApp operatorApp();
    /// Stores the operator's app (the secret sealed). Empty fields of `app` leave the stored values alone.
    void configureApp(const OperatorApp& app, std::optional<std::string> endpoint, store::Timestamp now);
    Endpoints endpoints();

    /// "Connect with Amazon", step 1: creates the connection (without a token) if it does not exist, and returns
    /// the consent URL to send the seller to. Throws AccountError when the operator's app is not configured.
    ConsentStart beginConnect(const ConnectionSetup& setup, store::Timestamp now);
    /// Step 3: the callback's query (or URL). Verifies the state, exchanges the code, stores the refresh token
    /// and the seller id. Throws ConsentError / LwaError / AccountError with messages for the seller.
    store::AmazonConnection completeConnect(std::string_view callbackQueryOrUrl, store::Timestamp now);

    /// A self-authorized app's refresh token, pasted. `clientId`/`clientSecret` empty = the operator's app.
    store::AmazonConnection addWithToken(const ConnectionSetup& setup, std::string_view refreshToken,
                                         std::string_view clientId, std::string_view clientSecret,
                                         std::string_view sellerId, store::Timestamp now);

    /// A token refresh plus one cheap SP-API call; the verdict is also recorded on the connection.
    ConnectionCheck test(std::int64_t connectionId, store::Timestamp now);

    /// Credentials and endpoints of one connection (opened secrets). Throws AccountError when it cannot be used.
    ConnectionAccess access(std::int64_t connectionId);

    store::AmazonConnection find(const std::string& companyName, const std::string& connectionName);
    std::vector<store::AmazonConnection> list(std::optional<std::string> companyName);

private:
    std::string stateKey() const;
    ConnectWithAmazon connector(const OperatorApp& app, Region region, const LwaClient& lwa);

    store::Store& store_;
    const store::SecretBox& box_;
    AccountsOptions options_;
};

}  // namespace settlebridge::amazon
