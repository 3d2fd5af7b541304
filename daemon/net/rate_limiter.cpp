#include "daemon/net/rate_limiter.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "daemon/net/errors.hpp"

namespace settlebridge::net {

namespace {
void checkLimit(const RateLimit& limit) {
    if (!(limit.perSecond > 0.0) || !std::isfinite(limit.perSecond) || !(limit.burst >= 1.0) ||
        !std::isfinite(limit.burst)) {
        throw ConfigError("a rate limit needs a positive rate and a burst of at least 1");
    }
}
}  // namespace

TokenBucket::TokenBucket(RateLimit limit, Clock& clock)
    : limit_(limit), clock_(clock), tokens_(limit.burst), last_(clock.now()) {
    checkLimit(limit);
}

void TokenBucket::refillLocked() {
    const Clock::Steady now = clock_.now();
    if (now > last_) {
        const double seconds = std::chrono::duration<double>(now - last_).count();
        tokens_ = std::min(limit_.burst, tokens_ + seconds * limit_.perSecond);
        last_ = now;
    }
}

std::chrono::milliseconds TokenBucket::reserve() {
    std::lock_guard lock(mutex_);
    refillLocked();
    tokens_ -= 1.0;
    if (tokens_ >= 0.0) return std::chrono::milliseconds{0};
    const double waitSeconds = -tokens_ / limit_.perSecond;
    return std::chrono::milliseconds{static_cast<std::int64_t>(std::ceil(waitSeconds * 1000.0))};
}

double TokenBucket::available() {
    std::lock_guard lock(mutex_);
    refillLocked();
    return tokens_;
}

void TokenBucket::setRate(double perSecond) {
    std::lock_guard lock(mutex_);
    refillLocked();
    RateLimit next = limit_;
    next.perSecond = perSecond;
    checkLimit(next);
    limit_ = next;
}

RateLimit TokenBucket::limit() const {
    std::lock_guard lock(mutex_);
    return limit_;
}

RateLimiter::RateLimiter(Clock& clock) : clock_(clock) {}

void RateLimiter::configure(const std::string& operation, RateLimit limit) {
    auto bucket = std::make_shared<TokenBucket>(limit, clock_);
    std::lock_guard lock(mutex_);
    buckets_[operation] = std::move(bucket);
}

std::optional<RateLimit> RateLimiter::limit(std::string_view operation) const {
    std::lock_guard lock(mutex_);
    auto it = buckets_.find(operation);
    if (it == buckets_.end()) return std::nullopt;
    return it->second->limit();
}

std::chrono::milliseconds RateLimiter::acquire(std::string_view operation, const std::stop_token& stop) {
    std::shared_ptr<TokenBucket> bucket;
    {
        std::lock_guard lock(mutex_);
        auto it = buckets_.find(operation);
        if (it == buckets_.end()) return std::chrono::milliseconds{0};
        bucket = it->second;
    }
    const std::chrono::milliseconds wait = bucket->reserve();
    if (wait.count() > 0 && !clock_.sleepFor(wait, stop)) throw CancelledError();
    if (stop.stop_requested()) throw CancelledError();
    return wait;
}

void RateLimiter::observeLimitHeader(std::string_view operation, std::string_view headerValue) {
    while (!headerValue.empty() && headerValue.front() == ' ') headerValue.remove_prefix(1);
    while (!headerValue.empty() && headerValue.back() == ' ') headerValue.remove_suffix(1);
    double rate = 0.0;
    const auto [end, ec] = std::from_chars(headerValue.data(), headerValue.data() + headerValue.size(), rate);
    if (ec != std::errc() || end != headerValue.data() + headerValue.size() || !(rate > 0.0) || !std::isfinite(rate)) {
        return;
    }
    std::lock_guard lock(mutex_);
    auto it = buckets_.find(operation);
    if (it == buckets_.end()) return;
    if (std::abs(it->second->limit().perSecond - rate) > 1e-9) it->second->setRate(rate);
}

}  // namespace settlebridge::net
