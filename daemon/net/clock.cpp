#include "daemon/net/clock.hpp"

#include <condition_variable>
#include <cstdio>
#include <numeric>
#include <string>

#include "daemon/common/datetime.hpp"

namespace settlebridge::net {

SystemClock& SystemClock::instance() {
    static SystemClock clock;
    return clock;
}

bool SystemClock::sleepFor(std::chrono::milliseconds duration, const std::stop_token& stop) {
    if (stop.stop_requested()) return false;
    if (duration.count() <= 0) return true;
    std::mutex mutex;
    std::condition_variable_any cv;
    std::unique_lock lock(mutex);
    // Returns true when the predicate (a stop request) became true: then we were interrupted.
    const bool stopped = cv.wait_for(lock, stop, duration, [] { return false; });
    return !stopped && !stop.stop_requested();
}

ManualClock::ManualClock(Wall wallStart) : steadyStart_(Steady{} + std::chrono::hours(1)), wallStart_(wallStart) {}

Clock::Steady ManualClock::now() const {
    std::lock_guard lock(mutex_);
    return steadyStart_ + offset_;
}

Clock::Wall ManualClock::wallNow() const {
    std::lock_guard lock(mutex_);
    return wallStart_ + offset_;
}

bool ManualClock::sleepFor(std::chrono::milliseconds duration, const std::stop_token& stop) {
    if (stop.stop_requested()) return false;
    std::lock_guard lock(mutex_);
    sleeps_.push_back(duration);
    if (duration.count() > 0) offset_ += duration;
    return true;
}

void ManualClock::advance(std::chrono::milliseconds duration) {
    std::lock_guard lock(mutex_);
    offset_ += duration;
}

std::vector<std::chrono::milliseconds> ManualClock::sleeps() const {
    std::lock_guard lock(mutex_);
    return sleeps_;
}

std::chrono::milliseconds ManualClock::totalSlept() const {
    std::lock_guard lock(mutex_);
    return std::accumulate(sleeps_.begin(), sleeps_.end(), std::chrono::milliseconds{0});
}

namespace {
common::CivilDateTime civil(Clock::Wall when) {
    const auto seconds = std::chrono::floor<std::chrono::seconds>(when.time_since_epoch()).count();
    return common::civilFromUtc(static_cast<common::UtcSeconds>(seconds));
}
}  // namespace

std::string amzDate(Clock::Wall when) {
    const common::CivilDateTime c = civil(when);
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d%02u%02uT%02u%02u%02uZ", c.date.year, c.date.month, c.date.day, c.hour,
                  c.minute, c.second);
    return buffer;
}

std::string isoUtc(Clock::Wall when) {
    const common::CivilDateTime c = civil(when);
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02uT%02u:%02u:%02uZ", c.date.year, c.date.month, c.date.day,
                  c.hour, c.minute, c.second);
    return buffer;
}

}  // namespace settlebridge::net
