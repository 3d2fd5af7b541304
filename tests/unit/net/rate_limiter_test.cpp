// Token buckets, the rate limiter and the backoff, on a fake clock.

#include <gtest/gtest.h>

#include <chrono>
#include <stop_token>
#include <thread>

#include "daemon/net/clock.hpp"
#include "daemon/amazon/errors.hpp"
#include "daemon/net/rate_limiter.hpp"
#include "daemon/net/retry.hpp"

using namespace std::chrono_literals;
using settlebridge::net::Backoff;
using settlebridge::amazon::CancelledError;
using settlebridge::amazon::ConfigError;
using settlebridge::net::ManualClock;
using settlebridge::net::RateLimiter;
using settlebridge::net::RetryPolicy;
using settlebridge::net::TokenBucket;

TEST(TokenBucket, BurstThenOneTokenPerInterval) {
    ManualClock clock;
    TokenBucket bucket({0.0222, 10}, clock);  // getReports: 10 at once, then one per 45 s
    for (int i = 0; i < 10; ++i) EXPECT_EQ(bucket.reserve(), 0ms) << "call " << i;
    const auto wait = bucket.reserve();
    EXPECT_NEAR(static_cast<double>(wait.count()), 1000.0 / 0.0222, 1.0);  // ≈ 45 045 ms
    // A second caller on the empty bucket queues behind the first.
    EXPECT_NEAR(static_cast<double>(bucket.reserve().count()), 2000.0 / 0.0222, 1.0);
}

TEST(TokenBucket, RefillsWithTimeUpToTheBurst) {
    ManualClock clock;
    TokenBucket bucket({2.0, 3}, clock);
    for (int i = 0; i < 3; ++i) bucket.reserve();
    EXPECT_NEAR(bucket.available(), 0.0, 1e-9);
    clock.advance(500ms);  // one token back
    EXPECT_NEAR(bucket.available(), 1.0, 1e-9);
    clock.advance(10s);  // never above the burst
    EXPECT_NEAR(bucket.available(), 3.0, 1e-9);
}

TEST(TokenBucket, RateCanChangeAndBadLimitsAreRefused) {
    ManualClock clock;
    TokenBucket bucket({1.0, 1}, clock);
    EXPECT_EQ(bucket.reserve(), 0ms);
    bucket.setRate(0.5);
    EXPECT_EQ(bucket.reserve(), 2000ms);
    EXPECT_THROW(TokenBucket({0.0, 1}, clock), ConfigError);
    EXPECT_THROW(TokenBucket({1.0, 0.5}, clock), ConfigError);
    EXPECT_THROW(bucket.setRate(-1), ConfigError);
}

TEST(RateLimiter, WaitsOnTheClockPerOperation) {
    ManualClock clock;
    RateLimiter limiter(clock);
    limiter.configure("getReportDocument", {0.0167, 15});
    for (int i = 0; i < 15; ++i) EXPECT_EQ(limiter.acquire("getReportDocument"), 0ms);
    const auto waited = limiter.acquire("getReportDocument");
    EXPECT_NEAR(static_cast<double>(waited.count()), 1000.0 / 0.0167, 1.0);  // ≈ 60 s
    ASSERT_EQ(clock.sleeps().size(), 1u);
    EXPECT_EQ(clock.sleeps().front(), waited);
    // Time has moved by that wait: the next call waits one more interval, not two.
    EXPECT_NEAR(static_cast<double>(limiter.acquire("getReportDocument").count()), 1000.0 / 0.0167, 1.0);
    // An operation without a limit never waits.
    EXPECT_EQ(limiter.acquire("somethingElse"), 0ms);
    EXPECT_EQ(clock.sleeps().size(), 2u);
}

TEST(RateLimiter, AdoptsTheRateAmazonAnnounces) {
    ManualClock clock;
    RateLimiter limiter(clock);
    limiter.configure("getReports", {1000.0, 10});
    limiter.observeLimitHeader("getReports", "0.0222");
    EXPECT_DOUBLE_EQ(limiter.limit("getReports")->perSecond, 0.0222);
    EXPECT_DOUBLE_EQ(limiter.limit("getReports")->burst, 10.0);
    for (const char* junk : {"", "abc", "-1", "0", "1.5x", "nan"}) {
        limiter.observeLimitHeader("getReports", junk);
        EXPECT_DOUBLE_EQ(limiter.limit("getReports")->perSecond, 0.0222) << junk;
    }
    limiter.observeLimitHeader("unknownOperation", "5");
    EXPECT_FALSE(limiter.limit("unknownOperation").has_value());
}

TEST(RateLimiter, StopRequestCancelsTheWait) {
    ManualClock clock;
    RateLimiter limiter(clock);
    limiter.configure("getReports", {0.0222, 1});
    limiter.acquire("getReports");
    std::stop_source stop;
    stop.request_stop();
    EXPECT_THROW(limiter.acquire("getReports", stop.get_token()), CancelledError);
}

TEST(SystemClock, SleepIsInterruptedByAStopRequest) {
    std::stop_source stop;
    std::thread stopper([&] {
        std::this_thread::sleep_for(50ms);
        stop.request_stop();
    });
    const auto start = std::chrono::steady_clock::now();
    const bool completed = settlebridge::net::SystemClock::instance().sleepFor(30s, stop.get_token());
    const auto took = std::chrono::steady_clock::now() - start;
    stopper.join();
    EXPECT_FALSE(completed);
    EXPECT_LT(took, 5s);
    EXPECT_TRUE(settlebridge::net::SystemClock::instance().sleepFor(1ms, {}));
}

TEST(Backoff, GrowsExponentiallyWithJitterAndHonoursRetryAfter) {
    RetryPolicy policy;
    policy.baseDelay = 1000ms;
    policy.maxDelay = 16000ms;
    Backoff low(policy, [] { return 0.0; });
    Backoff high(policy, [] { return 0.999999; });
    EXPECT_EQ(low.delay(0, std::nullopt), 500ms);   // jitter keeps at least half
    EXPECT_EQ(high.delay(0, std::nullopt), 999ms);
    EXPECT_EQ(low.delay(1, std::nullopt), 1000ms);
    EXPECT_EQ(low.delay(3, std::nullopt), 4000ms);
    EXPECT_EQ(low.delay(10, std::nullopt), 8000ms);   // capped at maxDelay, then jittered
    EXPECT_EQ(high.delay(10, std::nullopt), 15999ms);
    EXPECT_EQ(low.delay(0, 7000ms), 7000ms);          // never sooner than Retry-After
    EXPECT_EQ(high.delay(4, 1000ms), 15999ms);        // a shorter Retry-After does not shorten the backoff
    Backoff random(policy);
    for (int i = 0; i < 50; ++i) {
        const auto d = random.delay(2, std::nullopt);
        EXPECT_GE(d, 2000ms);
        EXPECT_LE(d, 4000ms);
    }
}

TEST(RetryAfter, SecondsFractionsAndHttpDates) {
    using settlebridge::net::parseRetryAfter;
    const auto now = std::chrono::system_clock::time_point{std::chrono::seconds{1445412480}};  // Wed, 21 Oct 2015 07:28:00 GMT
    EXPECT_EQ(parseRetryAfter("3", now), 3000ms);
    EXPECT_EQ(parseRetryAfter(" 120 ", now), 120000ms);
    EXPECT_EQ(parseRetryAfter("0.5", now), 500ms);
    EXPECT_EQ(parseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", now), 10000ms);
    EXPECT_EQ(parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now), 0ms);  // in the past
    EXPECT_FALSE(parseRetryAfter("", now).has_value());
    EXPECT_FALSE(parseRetryAfter("soon", now).has_value());
    EXPECT_FALSE(parseRetryAfter("-5", now).has_value());
    EXPECT_TRUE(settlebridge::net::isRetryableStatus(429));
    EXPECT_TRUE(settlebridge::net::isRetryableStatus(500));
    EXPECT_TRUE(settlebridge::net::isRetryableStatus(503));
    EXPECT_FALSE(settlebridge::net::isRetryableStatus(400));
    EXPECT_FALSE(settlebridge::net::isRetryableStatus(403));
}

TEST(Clock, AmzDateAndIsoFormats) {
    const auto when = std::chrono::system_clock::time_point{std::chrono::seconds{1726170136}};  // 2024-09-12 19:42:16 UTC
    EXPECT_EQ(settlebridge::net::amzDate(when), "20240912T194216Z");
    EXPECT_EQ(settlebridge::net::isoUtc(when), "2024-09-12T19:42:16Z");
}
