#pragma once
// Usage plans as token buckets per operation (SP-API: per application–seller pair): `rate` tokens come back each
// second up to `burst`; a call takes one. The client waits for a token before each call instead of collecting
// 429s. The SP-API Reports rates are in daemon/amazon/reports_client.hpp.
//
// Amazon also tells the current rate in `x-amzn-RateLimit-Limit` (best effort, only on some answers);
// observeLimitHeader() adopts it so a plan Amazon changed for this seller is followed.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include "daemon/net/clock.hpp"

namespace settlebridge::net {

struct RateLimit {
    double perSecond = 1.0;  // tokens added per second (> 0)
    double burst = 1.0;      // bucket size (>= 1)
};


/// One bucket. Starts full. Thread-safe.
class TokenBucket {
public:
    TokenBucket(RateLimit limit, Clock& clock);

    /// Takes a token now if one is there (returns 0), else reserves the next one and returns how long the
    /// caller must wait before using it. Reservations queue up: two callers on an empty bucket wait 1/rate
    /// and 2/rate.
    std::chrono::milliseconds reserve();
    /// Tokens available now (negative while reservations are outstanding).
    double available();

    void setRate(double perSecond);
    RateLimit limit() const;

private:
    void refillLocked();
    mutable std::mutex mutex_;
    RateLimit limit_;
    Clock& clock_;
    double tokens_;
    Clock::Steady last_;
};

/// A bucket per operation name; operations without a configured limit are not limited.
class RateLimiter {
public:
    explicit RateLimiter(Clock& clock);

    void configure(const std::string& operation, RateLimit limit);
    std::optional<RateLimit> limit(std::string_view operation) const;

    /// Waits (on the clock, interruptibly) until `operation` may be called. Throws CancelledError when `stop`
    /// is requested while waiting. Returns how long it waited.
    std::chrono::milliseconds acquire(std::string_view operation, const std::stop_token& stop = {});

    /// Adopts a positive rate read from `x-amzn-RateLimit-Limit` (ignored when unparsable or not positive).
    void observeLimitHeader(std::string_view operation, std::string_view headerValue);

private:
    Clock& clock_;
    mutable std::mutex mutex_;
    std::map<std::string, std::shared_ptr<TokenBucket>, std::less<>> buckets_;
};

}  // namespace settlebridge::net
