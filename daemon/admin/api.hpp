#pragma once
// What every /api/ handler of the admin page works with: the parsed request, the answer, the error type, and the
// context (store, options, clock). Handlers are plain functions `ApiReply f(SiteContext&, const ApiRequest&)`; the
// router in site.cpp picks them by method and path and has already checked the session and the CSRF token.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "daemon/common/sign_in_guard.hpp"
#include "daemon/sellercloud/push.hpp"
#include "daemon/store/admin_users.hpp"
#include "daemon/store/crypto.hpp"
#include "daemon/store/records.hpp"
#include "daemon/store/secrets.hpp"
#include "daemon/store/store.hpp"

namespace settlebridge::admin {

using JsonObject = Poco::JSON::Object::Ptr;
using JsonArray = Poco::JSON::Array::Ptr;

/// A new JSON object that keeps its keys in insertion order.
JsonObject object();
JsonArray array();
std::string stringify(const JsonObject& json);

/// A request the API refuses: HTTP status, a message for people, and the field it is about ("" = none).
class ApiError : public std::runtime_error {
public:
    ApiError(int status, const std::string& message, std::string field = {})
        : std::runtime_error(message), status_(status), field_(std::move(field)) {}
    int status() const noexcept { return status_; }
    const std::string& field() const noexcept { return field_; }
    /// Seconds for a Retry-After header (429), 0 = none.
    int retryAfter() const noexcept { return retryAfter_; }
    ApiError& withRetryAfter(int seconds) noexcept {
        retryAfter_ = seconds;
        return *this;
    }
    /// Every problem of a form, field by field (the message and field above are the first of them).
    struct FieldError {
        std::string field;
        std::string message;
    };
    const std::vector<FieldError>& errors() const noexcept { return errors_; }
    ApiError& withErrors(std::vector<FieldError> errors) {
        errors_ = std::move(errors);
        return *this;
    }

private:
    int status_;
    std::string field_;
    int retryAfter_ = 0;
    std::vector<FieldError> errors_;
};

/// Login throttling: after `freeFailures` consecutive failures of a user name (or of a client address), further
/// attempts are refused unchecked (429) for `firstBlock`, doubling with every further failure up to `maxBlock`.
struct ThrottlePolicy {
    int freeFailures = 3;
    std::chrono::seconds firstBlock{2};
    std::chrono::seconds maxBlock{300};
    /// Failures of one client address (any user name) tolerated before it is blocked the same way.
    int freeFailuresPerAddress = 20;
};

struct AdminOptions {
    /// The data directory (its secrets.key opens the sealed credentials the Connect flows need).
    std::filesystem::path dataDir;
    /// Adds Secure to the session cookie (the server speaks HTTPS).
    bool secureCookies = false;
    /// A session ends after this long without a request, and in any case after `sessionMaxAge`.
    std::chrono::seconds sessionIdle{std::chrono::hours(12)};
    std::chrono::seconds sessionMaxAge{std::chrono::hours(24 * 7)};
    /// PBKDF2 rounds for new admin passwords (tests lower it).
    int pbkdf2Iterations = store::kDefaultPbkdf2Iterations;
    ThrottlePolicy throttle;
    /// Where the Web Connector endpoint is mounted (for the default .qwc URL).
    std::string qbwcPath = "/qbwc";
    /// Seconds since the epoch, now (tests set a manual clock).
    std::function<store::Timestamp()> clock;
    /// How the Sellercloud page reaches Sellercloud (Test Connection, the companies list, map). nullopt = the
    /// defaults with the daemon's simulator overrides $SETTLEBRIDGE_SELLERCLOUD_LOOKUP_URL and
    /// $SETTLEBRIDGE_SELLERCLOUD_BASE_TEMPLATE, and retries short enough for a person waiting on the page.
    std::optional<sellercloud::PushOptions> sellercloud;
};

struct ApiRequest {
    std::string method;                          // "GET", "POST", "PUT", "DELETE"
    std::string path;                            // "/api/companies/3/queue"
    std::vector<std::string> segments;           // {"companies", "3", "queue"}
    std::map<std::string, std::string> query;    // decoded query parameters
    JsonObject body;                             // the JSON body of a change (never null for POST/PUT)
    std::optional<store::AdminSession> session;  // the logged-in session (null only for the auth routes)
    std::string host;                            // the Host header
    std::string clientAddress;                   // the peer's IP address
    bool secure = false;                         // served over HTTPS

    /// A query parameter, or `fallback`.
    std::string param(const std::string& name, const std::string& fallback = {}) const;
    /// A query parameter as a whole number from `low` to `high`; nullopt when absent or empty; ApiError 400 naming
    /// the parameter otherwise.
    std::optional<std::int64_t> queryInt(const std::string& name, std::int64_t low, std::int64_t high) const;
    /// The path segment at `index` as a positive id; ApiError 404 otherwise.
    std::int64_t idAt(std::size_t index) const;

    bool has(const std::string& field) const;
    /// A required string field of the body (ApiError 400 "… is required" when missing or not a string).
    std::string text(const std::string& field) const;
    std::optional<std::string> optionalText(const std::string& field) const;
    /// An integer field (ApiError 400 when it is not a whole number).
    std::optional<std::int64_t> optionalInt(const std::string& field) const;
    std::optional<bool> optionalBool(const std::string& field) const;
};

struct ApiReply {
    int status = 200;
    JsonObject json;               // the answer (application/json) unless `raw` is set
    std::string raw;               // a download: its bytes
    std::string contentType;       // of `raw`
    std::string downloadName;      // Content-Disposition: attachment; filename=…
    std::vector<std::string> setCookies;  // whole Set-Cookie values

    static ApiReply ok(JsonObject json) {
        ApiReply r;
        r.json = std::move(json);
        return r;
    }
};

/// The time window and paging of a log listing (the event log, the Sellercloud send log), from the query:
/// `since` / `until` (Unix seconds: at or after / before), `before` (an id: only older entries), `offset` (skip that
/// many matches) and `limit`. ApiError 400 naming the parameter for a bad value.
struct LogPaging {
    std::optional<store::Timestamp> since;
    std::optional<store::Timestamp> until;
    std::optional<std::int64_t> before;
    int offset = 0;
    int limit = 0;
};
LogPaging logPaging(const ApiRequest& request, int defaultLimit, int maxLimit);
/// Sets "more", "next_before" (the last id shown when there are more, else 0) and "next_offset" (the offset of the
/// next page, else 0) on a listing's answer.
void setPaging(JsonObject out, const LogPaging& paging, bool more, std::int64_t lastId);

/// Copies the paging into a store filter (since, until, beforeId, offset, limit), asking for one row more than a
/// page: whether there are more (see takePage).
template <class Filter>
void applyPaging(Filter& filter, const LogPaging& paging) {
    filter.since = paging.since;
    filter.until = paging.until;
    filter.beforeId = paging.before;
    filter.offset = paging.offset;
    filter.limit = paging.limit + 1;
}

/// Drops the extra row applyPaging asked for; true when there was one (more rows follow).
template <class Row>
bool takePage(std::vector<Row>& rows, const LogPaging& paging) {
    if (static_cast<int>(rows.size()) <= paging.limit) return false;
    rows.resize(static_cast<std::size_t>(paging.limit));
    return true;
}

/// Shared by every handler of one site.
class SiteContext {
public:
    SiteContext(store::Store& store, AdminOptions options);

    store::Store& store() noexcept { return store_; }
    const AdminOptions& options() const noexcept { return options_; }
    store::Timestamp now() const;
    /// The data directory's SecretBox (secrets.key), opened on first use. Throws ApiError 500 when it cannot be.
    const store::SecretBox& box();
    /// The login guard (daemon/common/sign_in_guard.hpp): bounded password checks, tries counted before the
    /// hash, per-(name, address) lockouts that never refuse the address that last logged in as that name.
    common::SignInGuard& signInGuard() noexcept { return guard_; }

    /// Runs `f` with the site's own SellercloudPush (created on first use; it caches tokens and is not
    /// thread-safe, so calls are serialized). The daemon's scheduled push is a separate instance.
    template <class F>
    auto withSellercloud(F&& f) {
        sellercloud::SellercloudPush& push = sellercloudPush();
        std::lock_guard lock(pushMutex_);
        return f(push);
    }

private:
    sellercloud::SellercloudPush& sellercloudPush();

    store::Store& store_;
    AdminOptions options_;
    common::SignInGuard guard_;
    std::mutex boxMutex_;
    std::unique_ptr<store::SecretBox> box_;
    std::mutex pushMutex_;
    std::unique_ptr<sellercloud::SellercloudPush> push_;
};

/// The company with this id; ApiError 404 when there is none.
store::Company requireCompany(store::Tx& tx, std::int64_t id);

/// Money for people: "-1,234.56 USD" (grouped thousands, two decimals, the currency after it when given).
std::string money(store::Cents cents, std::string_view currency);

}  // namespace settlebridge::admin
