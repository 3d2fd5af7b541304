#include "daemon/admin/api.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <sstream>

#include <Poco/JSON/Stringifier.h>

#include "daemon/common/money.hpp"

namespace settlebridge::admin {

JsonObject object() { return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER); }

JsonArray array() { return new Poco::JSON::Array(); }

std::string stringify(const JsonObject& json) {
    std::ostringstream out;
    json->stringify(out);
    return out.str();
}

std::string ApiRequest::param(const std::string& name, const std::string& fallback) const {
    const auto it = query.find(name);
    return it == query.end() ? fallback : it->second;
}

std::optional<std::int64_t> ApiRequest::queryInt(const std::string& name, std::int64_t low, std::int64_t high) const {
    const std::string text = param(name);
    if (text.empty()) return std::nullopt;
    const bool negative = text[0] == '-';
    const std::string digits = negative ? text.substr(1) : text;
    if (digits.empty() || digits.size() > 15 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        throw ApiError(400, "\"" + name + "\" must be a whole number", name);
    }
    const std::int64_t value = negative ? -std::stoll(digits) : std::stoll(digits);
    if (value < low || value > high) {
        throw ApiError(400, "\"" + name + "\" must be " + std::to_string(low) + " to " + std::to_string(high), name);
    }
    return value;
}

std::int64_t ApiRequest::idAt(std::size_t index) const {
    if (index >= segments.size()) throw ApiError(404, "not found");
    const std::string& text = segments[index];
    std::int64_t value = 0;
    if (text.empty() || text.size() > 18) throw ApiError(404, "not found");
    for (const char c : text) {
        if (c < '0' || c > '9') throw ApiError(404, "not found");
        value = value * 10 + (c - '0');
    }
    if (value <= 0) throw ApiError(404, "not found");
    return value;
}

bool ApiRequest::has(const std::string& field) const { return body && body->has(field) && !body->isNull(field); }

std::optional<std::string> ApiRequest::optionalText(const std::string& field) const {
    if (!has(field)) return std::nullopt;
    const Poco::Dynamic::Var value = body->get(field);
    if (!value.isString()) throw ApiError(400, "\"" + field + "\" must be text", field);
    return value.extract<std::string>();
}

std::string ApiRequest::text(const std::string& field) const {
    auto value = optionalText(field);
    if (!value) throw ApiError(400, "\"" + field + "\" is required", field);
    return *value;
}

std::optional<std::int64_t> ApiRequest::optionalInt(const std::string& field) const {
    if (!has(field)) return std::nullopt;
    const Poco::Dynamic::Var value = body->get(field);
    if (value.isInteger()) return value.convert<std::int64_t>();
    if (value.isString()) {
        const std::string s = value.extract<std::string>();
        if (!s.empty() && s.size() <= 12) {
            std::size_t i = (s[0] == '-') ? 1 : 0;
            bool digits = i < s.size();
            for (std::size_t j = i; j < s.size(); ++j) digits = digits && s[j] >= '0' && s[j] <= '9';
            if (digits) return std::stoll(s);
        }
    }
    throw ApiError(400, "\"" + field + "\" must be a whole number", field);
}

std::optional<bool> ApiRequest::optionalBool(const std::string& field) const {
    if (!has(field)) return std::nullopt;
    const Poco::Dynamic::Var value = body->get(field);
    if (value.isBoolean()) return value.extract<bool>();
    throw ApiError(400, "\"" + field + "\" must be true or false", field);
}

LogPaging logPaging(const ApiRequest& request, int defaultLimit, int maxLimit) {
    constexpr std::int64_t kLatest = 253'402'300'799;  // 9999-12-31T23:59:59Z
    LogPaging paging;
    paging.since = request.queryInt("since", 0, kLatest);
    paging.until = request.queryInt("until", 0, kLatest);
    if (paging.since && paging.until && *paging.since >= *paging.until) {
        throw ApiError(400, "the first day of the range must come before its end", "since");
    }
    paging.before = request.queryInt("before", 1, kLatest);
    paging.offset = static_cast<int>(request.queryInt("offset", 0, 10'000'000).value_or(0));
    paging.limit = static_cast<int>(request.queryInt("limit", 1, maxLimit).value_or(defaultLimit));
    return paging;
}

void setPaging(JsonObject out, const LogPaging& paging, bool more, std::int64_t lastId) {
    out->set("more", more);
    out->set("next_before", more ? lastId : 0);
    out->set("next_offset", more ? paging.offset + paging.limit : 0);
}

namespace {

common::SignInGuard::Options guardOptions(const ThrottlePolicy& policy) {
    common::SignInGuard::Options g;
    g.freePairFailures = policy.freeFailures;
    g.freeAddressFailures = policy.freeFailuresPerAddress;
    g.lockBase = policy.firstBlock;
    g.lockMax = policy.maxBlock;
    g.door = common::SignInRefusals::Door::Admin;
    return g;
}

}  // namespace

SiteContext::SiteContext(store::Store& store, AdminOptions options)
    : store_(store), options_(std::move(options)), guard_(guardOptions(options_.throttle)) {}

store::Timestamp SiteContext::now() const {
    if (options_.clock) return options_.clock();
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

const store::SecretBox& SiteContext::box() {
    std::lock_guard lock(boxMutex_);
    if (!box_) {
        try {
            box_ = std::make_unique<store::SecretBox>(
                store::SecretBox::openForDataDir(options_.dataDir));
        } catch (const store::SecretError& e) {
            throw ApiError(500, std::string("the secrets key file cannot be used: ") + e.what());
        }
    }
    return *box_;
}

sellercloud::SellercloudPush& SiteContext::sellercloudPush() {
    const store::SecretBox& secrets = box();
    std::lock_guard lock(pushMutex_);
    if (!push_) {
        sellercloud::PushOptions options;
        if (options_.sellercloud) {
            options = *options_.sellercloud;
        } else {
            if (const char* v = std::getenv("SETTLEBRIDGE_SELLERCLOUD_LOOKUP_URL"); v != nullptr && *v != '\0') {
                options.teamLookupUrl = v;
            }
            if (const char* v = std::getenv("SETTLEBRIDGE_SELLERCLOUD_BASE_TEMPLATE"); v != nullptr && *v != '\0') {
                options.baseUrlTemplate = v;
            }
            // Someone waits on the page: a few quick retries, not the scheduled push's patience.
            options.retry.maxAttempts = 3;
            options.retry.baseDelay = std::chrono::milliseconds(500);
            options.retry.maxDelay = std::chrono::milliseconds(4'000);
            options.retry.maxRetryAfter = std::chrono::milliseconds(10'000);
            options.http.connectTimeout = std::chrono::milliseconds(10'000);
            options.http.ioTimeout = std::chrono::milliseconds(30'000);
        }
        push_ = std::make_unique<sellercloud::SellercloudPush>(store_, secrets, std::move(options));
    }
    return *push_;
}

store::Company requireCompany(store::Tx& tx, std::int64_t id) {
    auto company = tx.companies().find(id);
    if (!company) throw ApiError(404, "no company with id " + std::to_string(id));
    return *company;
}

std::string money(store::Cents cents, std::string_view currency) {
    const std::string plain = common::formatCents(cents);  // -1234.56
    const bool negative = !plain.empty() && plain[0] == '-';
    const std::string digits = plain.substr(negative ? 1 : 0);
    const std::size_t dot = digits.find('.');
    const std::string whole = digits.substr(0, dot);
    std::string grouped;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ',';
        grouped += whole[i];
    }
    std::string out = (negative ? "-" : "") + grouped + digits.substr(dot);
    if (!currency.empty()) {
        out += ' ';
        out += currency;
    }
    return out;
}

}  // namespace settlebridge::admin
