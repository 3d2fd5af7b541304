#pragma once
// The Sellercloud REST client, as far as the push needs it (../shared/spec/sellercloud/, the Delta REST API
// Swagger; ../shared/research/ads_sellercloud.md §c):
//
//   GET  https://api.sellercloud.com/api/server-by-team/?team=NAME   → {"ApiUrl": "https://tt.api.sellercloud.com/rest/"...}
//   POST {base}token                    {"Username","Password"} → {access_token, token_type, expires_in, ...}
//   GET  {base}Companies                ?model.pageNumber=&model.pageSize= → {Items:[CompanyDto], TotalResults}
//   GET  {base}Catalog                  ?model.sKU= | model.uPC= | model.keyword=, model.companyID= → ProductCatalogDto page
//   GET  {base}Inventory                ?model.eAN=, model.companyID= → ProductInventoryDto page
//   PUT  {base}Products/CustomColumns   {"ProductID", "CustomColumns":[{"ColumnName","Value"}]}
//
// where {base} is https://{serverId}.api.sellercloud.com/rest/api/ (or an override). Every call waits for the
// connection's token bucket (Sellercloud allows 10,800 calls an hour per IP); carries the bearer token, which is
// cached until shortly before it expires and renewed once when a call gets 401; is retried on 429, 5xx and a
// dropped connection with backoff (never sooner than Retry-After or the body's RateLimitResetTime). Failures are
// SellercloudError with a kind and a message for the seller. Not thread-safe: one client per thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/net/clock.hpp"
#include "daemon/net/http.hpp"
#include "daemon/net/rate_limiter.hpp"
#include "daemon/net/retry.hpp"
#include "daemon/common/money.hpp"

namespace settlebridge::sellercloud {

using common::Cents;

inline constexpr std::string_view kTeamLookupUrl = "https://api.sellercloud.com/api/server-by-team/";
inline constexpr std::string_view kBaseUrlTemplate = "https://{serverId}.api.sellercloud.com/rest/api/";
/// 10,800 calls per hour per IP (developer.sellercloud.com, REST API rate limiting) = 3 a second.
inline constexpr net::RateLimit kSellercloudRate{3.0, 20.0};

struct HttpSettings {
    net::HttpOptions http;
    net::RetryPolicy retry;
    std::stop_token stop;
    /// Jitter source for the backoff ([0,1)); empty = random.
    std::function<double()> jitter;
};

struct ClientConfig {
    /// The REST base, ending in "/api/" (normalizeRestBase() makes one from what a user or the lookup gives).
    std::string baseUrl;
    std::string username;
    std::string password;
    HttpSettings transport;
    net::RateLimit rate = kSellercloudRate;
    /// The token is renewed this long before Sellercloud says it expires (at most a tenth of its lifetime).
    std::chrono::seconds tokenMargin{180};
};

struct Company {
    std::int64_t id = 0;
    std::string name;
    bool isDefault = false;
    bool disabled = false;
    std::string amazonMarketplace;
};

/// The fields of a catalog or inventory row that linking and the log use.
struct Product {
    std::string id;  // the product ID (Sellercloud's SKU)
    std::int64_t companyId = 0;
    std::string name;
    std::string upc;
    std::string ean;
    std::string asin;
    std::string manufacturerSku;  // MPN
    std::string amazonMerchantSku;
    std::string amazonFbaSku;
    std::string walmartProductId;
    std::optional<common::Cents> averageCost;  // AverageCost, when positive
};

struct CatalogQuery {
    std::string sku;      // model.sKU
    std::string upc;      // model.uPC
    std::string keyword;  // model.keyword
    std::int64_t companyId = 0;  // model.companyID (0 = any)
    int pageSize = 50;
};

/// One custom column to write: `json` is the JSON text of the value (a number "12.50", a string "\"x\"", or
/// "null" to clear it).
struct ColumnValue {
    std::string name;
    std::string json;
};

class Client {
public:
    explicit Client(ClientConfig config, net::Clock& clock = net::SystemClock::instance());

    /// Every company (all pages).
    std::vector<Company> companies();
    /// TotalResults of the companies list (one small call; the connection test uses it).
    std::int64_t companyCount();
    /// The first page of GET /api/Catalog for the query.
    std::vector<Product> catalog(const CatalogQuery& query);
    /// The first page of GET /api/Inventory?model.eAN=…
    std::vector<Product> inventoryByEan(std::string_view ean, std::int64_t companyId);
    /// PUT /api/Products/CustomColumns. NotFound when the product does not exist; Rejected (400) e.g. for a
    /// column that does not exist in Sellercloud.
    void updateCustomColumns(std::string_view productId, const std::vector<ColumnValue>& columns);

    /// The cached token, or a new one from POST /api/token (BadCredentials when refused).
    std::string accessToken();
    /// How many tokens this client has requested.
    int tokenRequests() const noexcept { return tokenRequests_; }
    const std::string& baseUrl() const noexcept { return config_.baseUrl; }
    /// The stop token later waits honour (a cached client serves several daemon ticks).
    void setStop(std::stop_token stop) { config_.transport.stop = std::move(stop); }

private:
    struct Answer {
        int status = 0;
        std::string body;
    };
    Answer call(const std::string& operation, const std::string& method, const std::string& pathAndQuery,
                const std::string& body, bool authenticated);
    std::vector<Product> productPage(const std::string& operation, const std::string& pathAndQuery);

    ClientConfig config_;
    net::Clock& clock_;
    net::HttpClient http_;
    net::RateLimiter limiter_;
    net::Backoff backoff_;
    std::string token_;
    net::Clock::Steady tokenExpires_{};
    int tokenRequests_ = 0;
};

/// What the server-by-team lookup said.
struct TeamServer {
    std::string serverId;  // "tt" (from ServerID, else the API URL's host)
    std::string apiUrl;    // as Sellercloud wrote it
    std::string restBase;  // normalizeRestBase(apiUrl)
};

/// Resolves a team name through the server-by-team lookup (`lookupUrl`, default kTeamLookupUrl; the team is
/// appended as ?team=). UnknownTeam when the lookup does not know it.
TeamServer resolveTeam(std::string_view team, const std::string& lookupUrl, const HttpSettings& transport,
                       net::Clock& clock = net::SystemClock::instance());

/// `https://{serverId}.api.sellercloud.com/rest/api/` from a template holding "{serverId}". Config error for a
/// server id that is not a plain host label.
std::string restBaseForServer(std::string_view serverId, std::string_view baseTemplate = kBaseUrlTemplate);

/// An API URL as users and the lookup write it ("https://tt.api.sellercloud.com", ".../rest", ".../rest/api/")
/// → the REST base ending in "/rest/api/" (an URL already ending in "/api" or "/api/" keeps its path).
std::string normalizeRestBase(std::string_view url);

/// Minor units as a JSON number ("12.50", "-0.05").
std::string centsJson(common::Cents cents);

}  // namespace settlebridge::sellercloud
