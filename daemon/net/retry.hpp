#pragma once
// Retry timing for throttled (429) and failed (5xx, dropped connection) calls: exponential backoff with
// jitter, never sooner than the server's Retry-After.

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string_view>

#include "daemon/net/clock.hpp"

namespace settlebridge::net {

struct RetryPolicy {
    /// Tries in all (the first call included). 1 = never retry.
    int maxAttempts = 5;
    /// Backoff before retry n (0-based) is base * 2^n, capped at maxDelay, then jittered into [half, full].
    std::chrono::milliseconds baseDelay{2'000};
    std::chrono::milliseconds maxDelay{60'000};
    /// A Retry-After longer than this is not waited for: the call fails and a later sync tries again.
    std::chrono::milliseconds maxRetryAfter{300'000};
};

/// True for statuses worth retrying: 429 and every 5xx.
bool isRetryableStatus(int status) noexcept;

/// Retry-After as delay-seconds ("3") or an HTTP-date ("Wed, 21 Oct 2015 07:28:00 GMT", relative to `now`).
/// nullopt when absent or unreadable; a date in the past gives 0.
std::optional<std::chrono::milliseconds> parseRetryAfter(std::string_view value, Clock::Wall now);

class Backoff {
public:
    /// `random` returns a number in [0, 1); the default is a seeded Mersenne Twister.
    explicit Backoff(RetryPolicy policy, std::function<double()> random = {});

    /// The wait before retry number `retryIndex` (0 for the first retry); at least `retryAfter` when given.
    std::chrono::milliseconds delay(int retryIndex, std::optional<std::chrono::milliseconds> retryAfter);

    const RetryPolicy& policy() const noexcept { return policy_; }

private:
    RetryPolicy policy_;
    std::function<double()> random_;
    std::mutex mutex_;
    std::mt19937_64 engine_;
};

}  // namespace settlebridge::net
