#pragma once
// Time for the Amazon client: a monotonic clock (token expiry, rate limits, backoff), the wall clock
// (x-amz-date, createdSince) and an interruptible sleep. SystemClock is the real one; ManualClock is a fake
// whose sleeps return at once and move time forward, for tests of rate limits and backoff (the daemon's
// sync tests can use it too).

#include <chrono>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

namespace settlebridge::net {

class Clock {
public:
    using Steady = std::chrono::steady_clock::time_point;
    using Wall = std::chrono::system_clock::time_point;

    virtual ~Clock() = default;
    virtual Steady now() const = 0;
    virtual Wall wallNow() const = 0;
    /// Waits `duration` (nothing for zero or less). Returns false, early, when `stop` is requested.
    virtual bool sleepFor(std::chrono::milliseconds duration, const std::stop_token& stop) = 0;
};

class SystemClock final : public Clock {
public:
    static SystemClock& instance();
    Steady now() const override { return std::chrono::steady_clock::now(); }
    Wall wallNow() const override { return std::chrono::system_clock::now(); }
    bool sleepFor(std::chrono::milliseconds duration, const std::stop_token& stop) override;
};

/// A clock that only moves when told to (advance) or when someone sleeps on it (sleepFor returns at once,
/// after moving time forward by the duration and recording it). Thread-safe.
class ManualClock final : public Clock {
public:
    /// Starts at `wallStart` on the wall clock (and at an arbitrary steady point).
    explicit ManualClock(Wall wallStart = Wall{std::chrono::seconds{1'750'000'000}});
    Steady now() const override;
    Wall wallNow() const override;
    bool sleepFor(std::chrono::milliseconds duration, const std::stop_token& stop) override;

    void advance(std::chrono::milliseconds duration);
    /// Every sleep so far, in order.
    std::vector<std::chrono::milliseconds> sleeps() const;
    std::chrono::milliseconds totalSlept() const;

private:
    mutable std::mutex mutex_;
    std::chrono::milliseconds offset_{0};
    Steady steadyStart_;
    Wall wallStart_;
    std::vector<std::chrono::milliseconds> sleeps_;
};

/// x-amz-date form of a wall-clock instant: `20240912T194216Z`.
std::string amzDate(Clock::Wall when);
/// ISO 8601 UTC with seconds: `2024-09-12T19:42:16Z`.
std::string isoUtc(Clock::Wall when);

}  // namespace settlebridge::net
