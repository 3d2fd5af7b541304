#include "daemon/sellercloud/client.hpp"

#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>

#include "daemon/amazon/errors.hpp"
#include "daemon/sellercloud/errors.hpp"
#include "daemon/common/decimal.hpp"
#include "daemon/common/json.hpp"
#include "daemon/common/text.hpp"
#include "daemon/net/send.hpp"

namespace settlebridge::sellercloud {

namespace {

using Kind = SellercloudError::Kind;

Poco::Logger& logger() { return Poco::Logger::get("settlebridge.sellercloud"); }

std::string snippet(const std::string& body) {
    std::string s = body.substr(0, 300);
    for (char& c : s) {
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    return s;
}

/// Sellercloud's own words in an error body: Message, Error, error_description, ExceptionMessage; else the body.
std::string sellercloudText(const std::string& body) {
    try {
        const common::Json json = common::Json::parse(body);
        if (json.isObject()) {
            for (const char* key : {"Message", "message", "Error", "error_description", "ExceptionMessage", "error"}) {
                const std::string text = json.get(key);
                if (!text.empty()) return text;
            }
        }
    } catch (const common::JsonError&) {
    }
    return snippet(body);
}

SellercloudError fromNetwork(const amazon::NetworkError& e, const std::string& operation) {
    if (e.kind() == amazon::NetworkError::Kind::Dns) {
        return SellercloudError(Kind::UnknownServer, 0, operation,
                                "could not find the Sellercloud server " + e.host() +
                                    " (name lookup failed): check the team name or server id, and the network",
                                e.detail());
    }
    return SellercloudError(Kind::Network, 0, operation, std::string(e.what()), e.detail());
}

/// The wait a 429 asks for: Retry-After, else the documented body's RateLimitResetTime.
std::optional<std::chrono::milliseconds> throttleWait(const net::HttpResponse& response, net::Clock::Wall now) {
    if (auto value = response.header("Retry-After")) {
        if (auto wait = net::parseRetryAfter(*value, now)) return wait;
    }
    try {
        const common::Json json = common::Json::parse(response.body);
        const std::string reset = json.isObject() ? json.get("RateLimitResetTime") : std::string();
        if (reset.empty()) return std::nullopt;
        int tzd = 0;
        const Poco::DateTime when = Poco::DateTimeParser::parse(reset, tzd);
        const auto resetMs = (when.timestamp().epochMicroseconds() / 1000) - std::int64_t{tzd} * 1000;
        const auto nowMs = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
        return std::chrono::milliseconds{std::clamp<std::int64_t>(resetMs - nowMs, 0, 3'600'000)};
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string friendly(const std::string& operation, int status, const std::string& text, int attempts) {
    std::string tail = " [" + operation + ": HTTP " + std::to_string(status) + (text.empty() ? "" : ": " + text) + "]";
    if (status == 429) {
        return "Sellercloud is limiting the number of calls (tried " + std::to_string(attempts) +
               " times); the next send will try again" + tail;
    }
    if (status >= 500) {
        return "Sellercloud's server is failing right now (tried " + std::to_string(attempts) +
               " times); the next send will try again" + tail;
    }
    if (status == 401 || status == 403) {
        return "Sellercloud refused the call even with a fresh token: check that the user is a client admin with API "
               "access" + tail;
    }
    if (status == 404) return "Sellercloud does not know that" + tail;
    return "Sellercloud refused the request" + tail;
}

Kind kindOfStatus(int status) {
    if (status == 429) return Kind::Throttled;
    if (status >= 500) return Kind::Unavailable;
    if (status == 401 || status == 403) return Kind::Unauthorized;
    if (status == 404) return Kind::NotFound;
    return Kind::Rejected;
}

std::string text(const common::Json& object, std::string_view key) {
    const common::Json* value = object.find(key);
    if (value == nullptr || value->isNull() || value->isArray() || value->isObject()) return "";
    return value->text();
}

Product readProduct(const common::Json& row) {
    Product p;
    p.id = text(row, "ID");
    const std::string company = text(row, "CompanyID");
    if (auto n = common::decimalToCount(company)) p.companyId = *n;
    p.name = text(row, "ProductName");
    p.upc = text(row, "UPC");
    p.ean = text(row, "EAN");
    p.asin = text(row, "ASIN");
    p.manufacturerSku = text(row, "ManufacturerSKU");
    p.amazonMerchantSku = text(row, "AmazonMerchantSKU");
    p.amazonFbaSku = text(row, "AmazonFBASKU");
    p.walmartProductId = text(row, "WalmartProductID");
    if (auto cost = common::decimalToCents(text(row, "AverageCost")); cost && *cost > 0) p.averageCost = *cost;
    return p;
}

const common::Json& itemsOf(const common::Json& page, const std::string& operation, const std::string& body) {
    const common::Json* items = page.isObject() ? page.find("Items") : nullptr;
    if (items == nullptr || !items->isArray()) {
        throw SellercloudError(Kind::Unexpected, 200, operation,
                               "Sellercloud's answer could not be read (no Items list) [" + operation + "]",
                               snippet(body));
    }
    return *items;
}

common::Json parseBody(const std::string& body, const std::string& operation) {
    try {
        return common::Json::parse(body);
    } catch (const common::JsonError& e) {
        throw SellercloudError(Kind::Unexpected, 200, operation,
                               "Sellercloud's answer is not JSON (" + std::string(e.what()) + ") [" + operation + "]",
                               snippet(body));
    }
}

bool isHostLabel(std::string_view s) {
    if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-';
    });
}

}  // namespace

std::string centsJson(common::Cents cents) { return common::formatCents(cents); }

std::string normalizeRestBase(std::string_view url) {
    std::string s(url);
    while (!s.empty() && (s.back() == ' ')) s.pop_back();
    while (!s.empty() && s.back() == '/') s.pop_back();
    if (s.empty()) throw SellercloudError(Kind::Config, 0, "", "the Sellercloud API URL is empty");
    if (s.rfind("https://", 0) != 0 && s.rfind("http://", 0) != 0) s = "https://" + s;
    Poco::URI uri;
    try {
        uri = Poco::URI(s);
    } catch (const Poco::Exception& e) {
        throw SellercloudError(Kind::Config, 0, "", "not a valid Sellercloud API URL: " + s + " (" + e.displayText() + ")");
    }
    if (uri.getHost().empty()) throw SellercloudError(Kind::Config, 0, "", "not a valid Sellercloud API URL: " + s);
    if (common::endsWithIgnoreCaseAscii(s, "/api")) return s + "/";
    if (common::endsWithIgnoreCaseAscii(s, "/rest")) return s + "/api/";
    if (uri.getPath().empty()) return s + "/rest/api/";
    return s + "/api/";
}

std::string restBaseForServer(std::string_view serverId, std::string_view baseTemplate) {
    if (!isHostLabel(serverId)) {
        throw SellercloudError(Kind::Config, 0, "",
                               "\"" + std::string(serverId) + "\" is not a Sellercloud server id (like \"tt\")");
    }
    std::string out(baseTemplate);
    const std::string marker = "{serverId}";
    const auto at = out.find(marker);
    if (at == std::string::npos) throw SellercloudError(Kind::Config, 0, "", "the base URL template has no {serverId}");
    out.replace(at, marker.size(), serverId);
    return normalizeRestBase(out);
}

Client::Client(ClientConfig config, net::Clock& clock)
    : config_(std::move(config)),
      clock_(clock),
      http_(config_.transport.http),
      limiter_(clock),
      backoff_(config_.transport.retry, config_.transport.jitter) {
    if (config_.baseUrl.empty()) throw SellercloudError(Kind::Config, 0, "", "no Sellercloud server configured");
    if (config_.baseUrl.back() != '/') config_.baseUrl.push_back('/');
    limiter_.configure("api", config_.rate);
}

std::string Client::accessToken() {
    if (!token_.empty() && clock_.now() < tokenExpires_) return token_;
    const std::string body = "{\"Username\":" + common::jsonQuote(config_.username) +
                             ",\"Password\":" + common::jsonQuote(config_.password) + "}";
    const Answer answer = call("token", "POST", "token", body, false);
    const common::Json json = parseBody(answer.body, "token");
    const std::string token = json.isObject() ? json.get("access_token") : std::string();
    if (token.empty()) {
        throw SellercloudError(Kind::Unexpected, answer.status, "token",
                               "Sellercloud's token answer has no access_token", snippet(answer.body));
    }
    std::int64_t seconds = 3600;
    if (auto n = common::decimalToCents(json.get("expires_in")); n && *n > 0) seconds = *n / 100;
    const auto margin = std::min<std::int64_t>(config_.tokenMargin.count(), seconds / 10);
    token_ = token;
    tokenExpires_ = clock_.now() + std::chrono::seconds{std::max<std::int64_t>(seconds - margin, 1)};
    ++tokenRequests_;
    return token_;
}

Client::Answer Client::call(const std::string& operation, const std::string& method, const std::string& pathAndQuery,
                            const std::string& body, bool authenticated) {
    bool renewed = false;
    net::SendHooks hooks;
    hooks.build = [&] {
        limiter_.acquire("api", config_.transport.stop);
        net::HttpRequest request;
        request.method = method;
        request.url = config_.baseUrl + pathAndQuery;
        request.headers.emplace_back("Accept", "application/json");
        if (authenticated) request.headers.emplace_back("Authorization", "Bearer " + accessToken());
        if (!body.empty() || method == "PUT" || method == "POST") {
            request.body = body;
            request.contentType = "application/json";
        }
        return request;
    };
    hooks.inspect = [&](const net::HttpResponse& response) {
        if (response.status >= 200 && response.status < 300) return net::Verdict::Final;
        const std::string said = sellercloudText(response.body);
        if (!authenticated && (response.status == 400 || response.status == 401 || response.status == 403)) {
            throw SellercloudError(Kind::BadCredentials, response.status, operation,
                                   "Sellercloud refused the user name or password of " + config_.username +
                                       (said.empty() ? "" : " (" + said + ")"),
                                   said);
        }
        if (!authenticated && response.status == 404) {
            throw SellercloudError(Kind::UnknownServer, 404, operation,
                                   "there is no Sellercloud REST API at " + config_.baseUrl +
                                       ": check the team name, server id or base URL",
                                   said);
        }
        if (response.status == 401 && authenticated && !renewed) {
            // The token expired or was revoked: one new token, one more try.
            logger().information("%s: HTTP 401; renewing the Sellercloud token once", operation);
            token_.clear();
            renewed = true;
            return net::Verdict::SendAgain;
        }
        return net::Verdict::Retryable;
    };
    hooks.askedWait = [](const net::HttpResponse& response, net::Clock::Wall now) {
        return response.status == 429 ? throttleWait(response, now) : std::nullopt;
    };
    hooks.onRetry = [&](const net::HttpResponse* answer, const std::string& failure, std::chrono::milliseconds wait) {
        if (answer == nullptr) {
            logger().warning("%s: %s; retrying", operation, failure);
        } else {
            logger().warning("%s: HTTP %d; retrying in %s ms", operation, answer->status, std::to_string(wait.count()));
        }
    };
    net::SendOutcome outcome;
    try {
        outcome = net::sendWithRetry(http_, clock_, backoff_, config_.transport.stop, hooks);
    } catch (const amazon::CancelledError&) {
        throw SellercloudError(Kind::Cancelled, 0, operation, "stopped while waiting to call Sellercloud");
    } catch (const amazon::NetworkError& e) {
        throw fromNetwork(e, operation);
    } catch (const amazon::ConfigError& e) {
        throw SellercloudError(Kind::Config, 0, operation, e.what());
    }
    net::HttpResponse& response = outcome.response;
    if (response.status >= 200 && response.status < 300) return Answer{response.status, std::move(response.body)};
    const std::string said = sellercloudText(response.body);
    throw SellercloudError(kindOfStatus(response.status), response.status, operation,
                           friendly(operation, response.status, said, outcome.attempts), said);
}

std::vector<Company> Client::companies() {
    std::vector<Company> out;
    const int pageSize = 50;
    for (int page = 1; page <= 200; ++page) {
        const Answer answer = call("companies", "GET",
                                   "Companies?model.pageNumber=" + std::to_string(page) +
                                       "&model.pageSize=" + std::to_string(pageSize),
                                   "", true);
        const common::Json json = parseBody(answer.body, "companies");
        const common::Json& items = itemsOf(json, "companies", answer.body);
        for (const common::Json& row : items.items()) {
            Company c;
            if (auto id = common::decimalToCount(text(row, "ID"))) c.id = *id;
            c.name = text(row, "CompanyName");
            if (const common::Json* d = row.find("IsDefaultCompany")) c.isDefault = d->boolean();
            if (const common::Json* d = row.find("IsDisabled")) c.disabled = d->boolean();
            c.amazonMarketplace = text(row, "AmazonMarketplace");
            out.push_back(std::move(c));
        }
        const auto total = common::decimalToCount(json.get("TotalResults")).value_or(0);
        if (items.items().empty() || static_cast<std::int64_t>(out.size()) >= total) break;
    }
    return out;
}

std::int64_t Client::companyCount() {
    const Answer answer = call("companies", "GET", "Companies?model.pageNumber=1&model.pageSize=1", "", true);
    const common::Json json = parseBody(answer.body, "companies");
    itemsOf(json, "companies", answer.body);
    return common::decimalToCount(json.get("TotalResults")).value_or(0);
}

std::vector<Product> Client::productPage(const std::string& operation, const std::string& pathAndQuery) {
    const Answer answer = call(operation, "GET", pathAndQuery, "", true);
    const common::Json json = parseBody(answer.body, operation);
    std::vector<Product> out;
    for (const common::Json& row : itemsOf(json, operation, answer.body).items()) {
        if (row.isObject()) out.push_back(readProduct(row));
    }
    return out;
}

std::vector<Product> Client::catalog(const CatalogQuery& query) {
    std::string q = "Catalog?model.pageNumber=1&model.pageSize=" + std::to_string(query.pageSize);
    if (!query.sku.empty()) q += "&model.sKU=" + net::percentEncode(query.sku);
    if (!query.upc.empty()) q += "&model.uPC=" + net::percentEncode(query.upc);
    if (!query.keyword.empty()) q += "&model.keyword=" + net::percentEncode(query.keyword);
    if (query.companyId != 0) q += "&model.companyID=" + std::to_string(query.companyId);
    return productPage("catalog", q);
}

std::vector<Product> Client::inventoryByEan(std::string_view ean, std::int64_t companyId) {
    std::string q = "Inventory?model.pageNumber=1&model.pageSize=50&model.eAN=" + net::percentEncode(ean);
    if (companyId != 0) q += "&model.companyID=" + std::to_string(companyId);
    return productPage("inventory", q);
}

void Client::updateCustomColumns(std::string_view productId, const std::vector<ColumnValue>& columns) {
    std::string body = "{\"ProductID\":" + common::jsonQuote(productId) + ",\"CustomColumns\":[";
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (i != 0) body += ",";
        body += "{\"ColumnName\":" + common::jsonQuote(columns[i].name) + ",\"Value\":" + columns[i].json + "}";
    }
    body += "]}";
    call("customColumns", "PUT", "Products/CustomColumns", body, true);
}

TeamServer resolveTeam(std::string_view team, const std::string& lookupUrl, const HttpSettings& transport,
                       net::Clock& clock) {
    if (team.empty()) throw SellercloudError(Kind::Config, 0, "serverByTeam", "no team name given");
    const std::string base = lookupUrl.empty() ? std::string(kTeamLookupUrl) : lookupUrl;
    net::HttpClient http(transport.http);
    net::Backoff backoff(transport.retry, transport.jitter);
    net::SendHooks hooks;
    hooks.build = [&] {
        net::HttpRequest request;
        request.url = base + (base.find('?') == std::string::npos ? "?" : "&") + "team=" + net::percentEncode(team);
        request.headers.emplace_back("Accept", "application/json");
        return request;
    };
    hooks.inspect = [](const net::HttpResponse& response) {
        return net::isRetryableStatus(response.status) ? net::Verdict::Retryable : net::Verdict::Final;
    };
    net::SendRules rules;
    rules.capRetryAfter = false;
    net::SendOutcome outcome;
    try {
        outcome = net::sendWithRetry(http, clock, backoff, transport.stop, hooks, rules);
    } catch (const amazon::CancelledError&) {
        throw SellercloudError(Kind::Cancelled, 0, "serverByTeam", "stopped while looking up the team");
    } catch (const amazon::NetworkError& e) {
        // The lookup host is Sellercloud's own: failing to reach it is a network problem, not a bad team.
        throw SellercloudError(Kind::Network, 0, "serverByTeam", std::string(e.what()), e.detail());
    } catch (const amazon::ConfigError& e) {
        throw SellercloudError(Kind::Config, 0, "serverByTeam", e.what());
    }
    const net::HttpResponse& response = outcome.response;
    const std::string unknown = "Sellercloud does not know the team \"" + std::string(team) +
                                "\": check the team name (as on the Sellercloud login page) or enter the server id";
    if (response.status == 404 || response.status == 400) {
        throw SellercloudError(Kind::UnknownTeam, response.status, "serverByTeam", unknown,
                               sellercloudText(response.body));
    }
    if (response.status < 200 || response.status >= 300) {
        throw SellercloudError(kindOfStatus(response.status), response.status, "serverByTeam",
                               friendly("serverByTeam", response.status, sellercloudText(response.body),
                                        outcome.attempts),
                               sellercloudText(response.body));
    }
    const common::Json json = parseBody(response.body, "serverByTeam");
    TeamServer out;
    out.apiUrl = json.isObject() ? json.get("ApiUrl") : std::string();
    if (out.apiUrl.empty()) throw SellercloudError(Kind::UnknownTeam, response.status, "serverByTeam", unknown);
    out.restBase = normalizeRestBase(out.apiUrl);
    out.serverId = json.get("ServerID");
    if (out.serverId.empty()) {
        const std::string host = Poco::URI(out.restBase).getHost();
        const auto dot = host.find('.');
        out.serverId = host.substr(0, dot);
    }
    return out;
}

}  // namespace settlebridge::sellercloud
