#include "daemon/net/retry.hpp"

#include <Poco/DateTimeParser.h>
#include <Poco/Exception.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

namespace settlebridge::net {

bool isRetryableStatus(int status) noexcept { return status == 429 || (status >= 500 && status <= 599); }

std::optional<std::chrono::milliseconds> parseRetryAfter(std::string_view value, Clock::Wall now) {
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    if (value.empty()) return std::nullopt;
    if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        std::int64_t seconds = 0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
        return std::chrono::milliseconds{std::min<std::int64_t>(seconds, 86'400) * 1000};
    }
    // A fractional number of seconds ("0.5"), as some gateways send.
    double fractional = 0.0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), fractional);
    if (ec == std::errc() && end == value.data() + value.size()) {
        if (!(fractional >= 0.0) || !std::isfinite(fractional)) return std::nullopt;
        return std::chrono::milliseconds{static_cast<std::int64_t>(std::ceil(std::min(fractional, 86'400.0) * 1000.0))};
    }
    try {
        int tzd = 0;
        const Poco::DateTime when = Poco::DateTimeParser::parse(std::string(value), tzd);
        const auto epochSeconds = when.timestamp().epochTime() - tzd;
        const auto nowSeconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
        const auto delta = static_cast<std::int64_t>(epochSeconds) - static_cast<std::int64_t>(nowSeconds);
        return std::chrono::milliseconds{std::clamp<std::int64_t>(delta, 0, 86'400) * 1000};
    } catch (const Poco::Exception&) {
        return std::nullopt;
    }
}

Backoff::Backoff(RetryPolicy policy, std::function<double()> random)
    : policy_(policy), random_(std::move(random)), engine_(std::random_device{}()) {}

std::chrono::milliseconds Backoff::delay(int retryIndex, std::optional<std::chrono::milliseconds> retryAfter) {
    const double base = static_cast<double>(policy_.baseDelay.count());
    const double cap = static_cast<double>(policy_.maxDelay.count());
    const double exponential = std::min(cap, base * std::pow(2.0, std::clamp(retryIndex, 0, 30)));
    double r = 0.0;
    if (random_) {
        r = random_();
    } else {
        std::lock_guard lock(mutex_);
        r = std::uniform_real_distribution<double>(0.0, 1.0)(engine_);
    }
    r = std::clamp(r, 0.0, 1.0);
    auto wait = std::chrono::milliseconds{static_cast<std::int64_t>(exponential / 2.0 + r * exponential / 2.0)};
    if (retryAfter && *retryAfter > wait) wait = *retryAfter;
    return wait;
}

}  // namespace settlebridge::net
