// The sign-in guard: tries counted before the hash, lockouts per (name, address) and per address, the name's rate
// limit across addresses in two lanes (addresses that failed; addresses that have not), the owner never refused,
// refusals counted by reason, bounded tables.
#include "daemon/common/sign_in_guard.hpp"

#include <gtest/gtest.h>

#include <string>

namespace settlebridge::common {
namespace {

using Verdict = SignInGuard::Verdict;
using Reason = SignInRefusals::Reason;
using Door = SignInRefusals::Door;

class SignInGuardTest : public ::testing::Test {
protected:
    SignInGuardTest() : gate_(gateOptions()), guard_(guardOptions(), gate_, refusals_) {}

    static PasswordGate::Options gateOptions() {
        PasswordGate::Options o;
        o.slots = 4;
        return o;
    }
    static SignInGuard::Options guardOptions() {
        SignInGuard::Options o;
        o.freePairFailures = 3;
        o.freeAddressFailures = 10;
        o.freeNameFailures = 20;
        o.nameInterval = std::chrono::seconds(5);
        o.lockBase = std::chrono::seconds(2);
        o.lockMax = std::chrono::seconds(300);
        o.maxEntries = 100;
        return o;
    }

    // One sign-in; returns what the guard decided (a Go is finished with `success`).
    Verdict attempt(const std::string& name, const std::string& address, bool success, std::int64_t now) {
        SignInGuard::Attempt a = guard_.begin(name, address, now);
        const Verdict v = a.verdict;
        if (v == Verdict::Go) guard_.finish(a, success, now);
        return v;
    }

    // The whole attempt (a Go is finished with `success`).
    SignInGuard::Attempt full(const std::string& name, const std::string& address, bool success, std::int64_t now) {
        SignInGuard::Attempt a = guard_.begin(name, address, now);
        if (a.verdict == Verdict::Go) guard_.finish(a, success, now);
        return a;
    }
    // 20 failures for "acme" from 20 addresses at `now`: the name is rate-limited from here on.
    void flood(std::int64_t now) {
        for (int i = 0; i < 20; ++i) ASSERT_EQ(attempt("acme", "192.0.2." + std::to_string(i), false, now), Verdict::Go);
    }

    PasswordGate gate_;
    SignInRefusals refusals_;
    SignInGuard guard_;
};

TEST_F(SignInGuardTest, APairIsLockedAfterItsFreeFailuresAndOthersAreNot) {
    for (int i = 0; i < 3; ++i) EXPECT_EQ(attempt("acme", "10.0.0.9", false, 1000), Verdict::Go);
    EXPECT_EQ(attempt("acme", "10.0.0.9", true, 1000), Verdict::Refused) << "locked, even with the right password";
    EXPECT_EQ(attempt("acme", "10.0.0.1", true, 1000), Verdict::Go) << "another address is not affected";
    EXPECT_EQ(attempt("acme", "10.0.0.9", true, 1003), Verdict::Go) << "the lock lasts lockBase";
}

TEST_F(SignInGuardTest, TheOwnerIsNeverRefused) {
    EXPECT_EQ(attempt("acme", "10.0.0.1", true, 1000), Verdict::Go);  // 10.0.0.1 owns "acme" now
    EXPECT_EQ(guard_.owner("acme"), "10.0.0.1");
    // Strangers fail often enough to rate-limit the name across addresses...
    for (int i = 0; i < 40; ++i) attempt("acme", "192.0.2." + std::to_string(i), false, 1000);
    EXPECT_EQ(attempt("acme", "198.51.100.1", true, 1000), Verdict::Refused) << "the name is rate-limited";
    // ...and the owner's own failures do not lock it out either.
    for (int i = 0; i < 5; ++i) EXPECT_EQ(attempt("acme", "10.0.0.1", false, 1000), Verdict::Go);
    SignInGuard::Attempt owner = guard_.begin("acme", "10.0.0.1", 1000);
    EXPECT_EQ(owner.verdict, Verdict::Go);
    EXPECT_TRUE(owner.owner);
    guard_.finish(owner, true, 1000);
}

TEST_F(SignInGuardTest, ANameUnderAttackPacesAddressesThatFailedToOneCheckPerInterval) {
    flood(1000);
    // 192.0.2.x have failed once each: the slow lane, one check per 5 s between them.
    EXPECT_EQ(attempt("acme", "192.0.2.0", false, 1000), Verdict::Go) << "the first after the limit";
    const SignInGuard::Attempt refused = full("acme", "192.0.2.1", true, 1001);
    EXPECT_EQ(refused.verdict, Verdict::Refused) << "even with the right password: it is not checked";
    EXPECT_EQ(refused.reason, Reason::NameRateLimited);
    EXPECT_EQ(refused.retryAfter, 4);
    EXPECT_EQ(attempt("acme", "192.0.2.2", false, 1005), Verdict::Go) << "one per nameInterval";
    EXPECT_EQ(attempt("other", "192.0.2.3", false, 1005), Verdict::Go) << "other names are not limited";
    // Five minutes without a failure end the limit: two checks in the same second again.
    EXPECT_EQ(attempt("acme", "192.0.2.4", false, 1005 + 301), Verdict::Go);
    EXPECT_EQ(attempt("acme", "192.0.2.5", false, 1005 + 301), Verdict::Go);
}

TEST_F(SignInGuardTest, AddressesThatNeverFailedHaveALaneOfTheirOwn) {
    flood(1000);
    // The slow lane is spent for 5 s...
    EXPECT_EQ(attempt("acme", "192.0.2.0", false, 1000), Verdict::Go);
    EXPECT_EQ(attempt("acme", "192.0.2.1", false, 1000), Verdict::Refused);
    // ...but an address that never failed gets the clean lane: one check per second between such addresses.
    SignInGuard::Attempt first = full("acme", "198.51.100.1", false, 1000);
    EXPECT_EQ(first.verdict, Verdict::Go);
    EXPECT_EQ(first.owner, false);
    const SignInGuard::Attempt second = full("acme", "198.51.100.2", true, 1000);
    EXPECT_EQ(second.verdict, Verdict::Refused);
    EXPECT_EQ(second.reason, Reason::NameRateLimited);
    EXPECT_EQ(second.retryAfter, 1) << "told to come back in a second";
    // It comes back when told: its check runs, and it owns the name from then on.
    EXPECT_EQ(attempt("acme", "198.51.100.2", true, 1001), Verdict::Go);
    EXPECT_EQ(guard_.owner("acme"), "198.51.100.2");
    // 198.51.100.1 failed at 1000: the slow lane now, not the clean one.
    EXPECT_EQ(attempt("acme", "198.51.100.1", true, 1003), Verdict::Refused);
    EXPECT_EQ(attempt("acme", "198.51.100.1", true, 1005), Verdict::Go);
}

TEST_F(SignInGuardTest, AskingAgainBeforeTheToldTimeLeavesTheCleanLane) {
    flood(1000);
    EXPECT_EQ(attempt("acme", "192.0.2.0", false, 1000), Verdict::Go);     // the slow lane's check (next: 1005)
    EXPECT_EQ(attempt("acme", "198.51.100.1", false, 1000), Verdict::Go);  // the clean lane's check (next: 1001)
    // A flooder with a fresh address is told to come back in a second, and asks again at once, as flooders do:
    // from then on it waits in the slow lane.
    EXPECT_EQ(full("acme", "198.51.100.9", true, 1000).retryAfter, 1);
    const SignInGuard::Attempt early = full("acme", "198.51.100.9", true, 1000);
    EXPECT_EQ(early.verdict, Verdict::Refused);
    EXPECT_EQ(early.retryAfter, 5) << "the slow lane's next check";
    EXPECT_EQ(full("acme", "198.51.100.9", true, 1001).retryAfter, 4) << "still the slow lane at its told time";
    EXPECT_EQ(attempt("acme", "203.0.113.5", true, 1001), Verdict::Go) << "the clean lane stays free for the patient";
    // Callers that wait exactly as told stay in the clean lane, one check a second between them.
    EXPECT_EQ(attempt("acme", "203.0.113.6", true, 1001), Verdict::Refused);
    EXPECT_EQ(attempt("acme", "203.0.113.7", true, 1001), Verdict::Refused);
    EXPECT_EQ(attempt("acme", "203.0.113.6", true, 1002), Verdict::Go);
    EXPECT_EQ(full("acme", "203.0.113.7", true, 1002).retryAfter, 1) << "1002's check is taken";
    EXPECT_EQ(attempt("acme", "203.0.113.7", true, 1003), Verdict::Go) << "still clean: it never asked early";
}

TEST_F(SignInGuardTest, ARememberedSignInIsHeldBackOnlyInTheSlowLaneAndLockouts) {
    flood(1000);
    EXPECT_EQ(attempt("acme", "192.0.2.0", false, 1000), Verdict::Go);     // the slow lane's check
    EXPECT_EQ(attempt("acme", "198.51.100.1", false, 1000), Verdict::Go);  // the clean lane's check
    // No hash runs for a remembered password: the clean lane does not hold it back, the slow lane does.
    EXPECT_EQ(guard_.refusedFor("acme", "198.51.100.2", 1000).seconds, 0);
    const SignInGuard::Refusal slow = guard_.refusedFor("acme", "192.0.2.3", 1000);
    EXPECT_EQ(slow.seconds, 5);
    EXPECT_EQ(slow.reason, Reason::NameRateLimited);
    for (int i = 0; i < 3; ++i) attempt("other", "192.0.2.50", false, 1000);
    const SignInGuard::Refusal locked = guard_.refusedFor("other", "192.0.2.50", 1000);
    EXPECT_EQ(locked.seconds, 2);
    EXPECT_EQ(locked.reason, Reason::Locked) << "three failures of the pair";
    EXPECT_EQ(refusals_.snapshot().at(Door::WebConnector, Reason::Locked), 1U) << "a refusal counts";
}

TEST_F(SignInGuardTest, RefusalsAreCountedByReason) {
    for (int i = 0; i < 3; ++i) attempt("acme", "192.0.2.1", false, 1000);
    EXPECT_EQ(attempt("acme", "192.0.2.1", true, 1000), Verdict::Refused);  // the pair
    for (int i = 0; i < 10; ++i) attempt("n" + std::to_string(i), "192.0.2.2", false, 1000);
    EXPECT_EQ(attempt("fresh", "192.0.2.2", true, 1000), Verdict::Refused);  // the address
    EXPECT_EQ(attempt("fresh", "192.0.2.2", true, 1000), Verdict::Refused);
    flood(2000);
    EXPECT_EQ(attempt("acme", "198.51.100.1", false, 2000), Verdict::Go);
    EXPECT_EQ(attempt("acme", "198.51.100.2", false, 2000), Verdict::Refused);  // the name
    const SignInRefusals::Counts counts = refusals_.snapshot();
    EXPECT_EQ(counts.at(Door::WebConnector, Reason::Locked), 1U);
    EXPECT_EQ(counts.at(Door::WebConnector, Reason::AddressThrottled), 2U);
    EXPECT_EQ(counts.at(Door::WebConnector, Reason::NameRateLimited), 1U);
    EXPECT_EQ(counts.at(Door::WebConnector, Reason::GateBusy), 0U);
    EXPECT_EQ(counts.total(Reason::AddressThrottled), 2U);
    EXPECT_EQ(counts.at(Door::Admin, Reason::Locked), 0U) << "the door is the guard's";
    EXPECT_EQ(SignInRefusals::key(Reason::NameRateLimited), "name_rate_limited");
}

TEST_F(SignInGuardTest, AnAddressIsLockedAfterFailuresUnderManyNames) {
    for (int i = 0; i < 10; ++i) EXPECT_EQ(attempt("name" + std::to_string(i), "192.0.2.7", false, 1000), Verdict::Go);
    EXPECT_EQ(attempt("fresh", "192.0.2.7", true, 1000), Verdict::Refused);
    EXPECT_EQ(attempt("fresh", "192.0.2.8", true, 1000), Verdict::Go);
}

TEST_F(SignInGuardTest, TriesCountBeforeTheyFinish) {
    // Three guesses in flight at once: the fourth is refused before any of them has been checked.
    SignInGuard::Attempt a1 = guard_.begin("acme", "192.0.2.1", 1000);
    SignInGuard::Attempt a2 = guard_.begin("acme", "192.0.2.1", 1000);
    SignInGuard::Attempt a3 = guard_.begin("acme", "192.0.2.1", 1000);
    EXPECT_EQ(a3.verdict, Verdict::Go);
    EXPECT_EQ(guard_.begin("acme", "192.0.2.1", 1000).verdict, Verdict::Refused);
    guard_.finish(a1, false, 1000);
    guard_.finish(a2, false, 1000);
    guard_.finish(a3, false, 1000);
}

TEST_F(SignInGuardTest, TablesAreBoundedAndDropTheLeastRecentlyUsed) {
    LruMap<int> map(3);
    map.touch("a") = 1;
    map.touch("b") = 2;
    map.touch("c") = 3;
    map.touch("a");  // used again: "b" is now the oldest
    map.touch("d") = 4;
    EXPECT_EQ(map.size(), 3U);
    EXPECT_EQ(map.peek("b"), nullptr);
    ASSERT_NE(map.peek("a"), nullptr);
    EXPECT_EQ(*map.peek("a"), 1);
    // The guard with 100 entries per table: 10,000 strangers leave the owner's record in place as long as the owner
    // keeps signing in, and the table never grows past its bound.
    EXPECT_EQ(attempt("acme", "10.0.0.1", true, 1000), Verdict::Go);
    for (int i = 0; i < 10'000; ++i) {
        attempt("n" + std::to_string(i), "192.0." + std::to_string(i / 250) + "." + std::to_string(i % 250), false,
                1000);
        if (i % 50 == 0) attempt("acme", "10.0.0.1", true, 1000);
    }
    EXPECT_EQ(guard_.owner("acme"), "10.0.0.1");
}

TEST_F(SignInGuardTest, BusyWhenNoSlotComesFree) {
    PasswordGate::Options o;
    o.slots = 1;
    o.maxWaiting = 0;
    PasswordGate tight(o);
    SignInGuard guard(guardOptions(), tight);  // counts into the process's counters
    const std::uint64_t busyBefore = SignInRefusals::shared().snapshot().at(Door::WebConnector, Reason::GateBusy);
    SignInGuard::Attempt first = guard.begin("acme", "10.0.0.1", 1000);
    ASSERT_EQ(first.verdict, Verdict::Go);
    SignInGuard::Attempt second = guard.begin("acme", "10.0.0.2", 1000);
    EXPECT_EQ(second.verdict, Verdict::Busy);
    EXPECT_EQ(second.reason, Reason::GateBusy);
    EXPECT_EQ(second.retryAfter, SignInGuard::kGateBusyRetrySeconds);
    EXPECT_EQ(SignInRefusals::shared().snapshot().at(Door::WebConnector, Reason::GateBusy), busyBefore + 1);
    guard.finish(first, true, 1000);
    // A busy answer is not a failure: 10.0.0.2 still has all its free tries (once the told time has passed).
    for (int i = 0; i < 3; ++i) {
        SignInGuard::Attempt a = guard.begin("acme", "10.0.0.2", 1000 + SignInGuard::kGateBusyRetrySeconds);
        ASSERT_EQ(a.verdict, Verdict::Go) << i;
        guard.finish(a, false, 1000 + SignInGuard::kGateBusyRetrySeconds);
    }
}

}  // namespace
}  // namespace settlebridge::common
