// The sign-in guard: tries counted before the hash, lockouts per (name, address) and per address, the name's rate
// limit across addresses, the owner never refused, bounded tables.
#include "daemon/common/sign_in_guard.hpp"

#include <gtest/gtest.h>

#include <string>

namespace settlebridge::common {
namespace {

using Verdict = SignInGuard::Verdict;

class SignInGuardTest : public ::testing::Test {
protected:
    SignInGuardTest() : gate_(gateOptions()), guard_(guardOptions(), gate_) {}

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

    PasswordGate gate_;
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

TEST_F(SignInGuardTest, ANameUnderAttackAllowsOneCheckPerInterval) {
    for (int i = 0; i < 20; ++i) attempt("acme", "192.0.2." + std::to_string(i), false, 1000);
    EXPECT_EQ(attempt("acme", "198.51.100.1", false, 1000), Verdict::Go) << "the first after the limit";
    EXPECT_EQ(attempt("acme", "198.51.100.2", false, 1001), Verdict::Refused);
    EXPECT_EQ(attempt("acme", "198.51.100.3", false, 1006), Verdict::Go) << "one per nameInterval";
    EXPECT_EQ(attempt("other", "198.51.100.2", false, 1006), Verdict::Go) << "other names are not limited";
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
    SignInGuard guard(guardOptions(), tight);
    SignInGuard::Attempt first = guard.begin("acme", "10.0.0.1", 1000);
    ASSERT_EQ(first.verdict, Verdict::Go);
    SignInGuard::Attempt second = guard.begin("acme", "10.0.0.2", 1000);
    EXPECT_EQ(second.verdict, Verdict::Busy);
    EXPECT_GT(second.retryAfter, 0);
    guard.finish(first, true, 1000);
    // A busy answer is not a failure: 10.0.0.2 still has all its free tries.
    for (int i = 0; i < 3; ++i) {
        SignInGuard::Attempt a = guard.begin("acme", "10.0.0.2", 1000);
        ASSERT_EQ(a.verdict, Verdict::Go) << i;
        guard.finish(a, false, 1000);
    }
}

}  // namespace
}  // namespace settlebridge::common
