// The password gate: at most `slots` checks at once, a bounded queue served by priority, "busy" beyond it.
#include "daemon/common/password_gate.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <thread>
#include <vector>

namespace settlebridge::common {
namespace {

using namespace std::chrono_literals;

PasswordGate::Options options(int slots, int waiting, std::chrono::milliseconds wait) {
    PasswordGate::Options o;
    o.slots = slots;
    o.maxWaiting = waiting;
    o.maxWait = wait;
    return o;
}

void waitUntil(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!done() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    ASSERT_TRUE(done());
}

TEST(PasswordGate, NeverRunsMoreThanItsSlots) {
    PasswordGate gate(options(2, 64, 5000ms));
    std::atomic<int> running{0};
    std::atomic<int> most{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 16; ++i) {
        threads.emplace_back([&] {
            auto permit = gate.enter(PasswordGate::kClean);
            ASSERT_TRUE(permit.has_value());
            const int now = ++running;
            int seen = most.load();
            while (now > seen && !most.compare_exchange_weak(seen, now)) {
            }
            std::this_thread::sleep_for(5ms);
            --running;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(most.load(), 2);
    EXPECT_EQ(gate.running(), 0);
}

TEST(PasswordGate, AFullQueueTurnsCallersAwayAtOnce) {
    PasswordGate gate(options(1, 1, 5000ms));
    auto held = gate.enter(PasswordGate::kClean);
    ASSERT_TRUE(held);
    std::optional<PasswordGate::Permit> waiter;
    std::thread queued([&] { waiter = gate.enter(PasswordGate::kClean); });
    waitUntil([&] { return gate.waiting() == 1; });
    const auto started = std::chrono::steady_clock::now();
    EXPECT_FALSE(gate.enter(PasswordGate::kClean).has_value()) << "a second waiter does not fit";
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1s) << "busy is answered at once, not after maxWait";
    held.reset();  // the waiter gets the slot
    queued.join();
    EXPECT_TRUE(waiter.has_value());
    EXPECT_EQ(gate.turnedAway(), 1U);
}

TEST(PasswordGate, AHigherPriorityPushesTheLowestWaiterOutAndGoesFirst) {
    PasswordGate gate(options(1, 2, 5000ms));
    auto held = gate.enter(PasswordGate::kClean);
    std::optional<PasswordGate::Permit> suspect1;
    std::optional<PasswordGate::Permit> suspect2;
    std::optional<PasswordGate::Permit> owner;
    std::atomic<bool> suspect2Done{false};
    std::thread t1([&] { suspect1 = gate.enter(PasswordGate::kSuspect); });
    waitUntil([&] { return gate.waiting() == 1; });
    std::thread t2([&] {
        suspect2 = gate.enter(PasswordGate::kSuspect);
        suspect2Done = true;
    });
    waitUntil([&] { return gate.waiting() == 2; });
    std::thread t3([&] { owner = gate.enter(PasswordGate::kOwner); });
    waitUntil([&] { return suspect2Done.load(); });  // the latest suspect made room, turned away
    EXPECT_FALSE(suspect2.has_value());
    held.reset();  // the owner goes before the earlier suspect
    t3.join();
    EXPECT_TRUE(owner.has_value());
    EXPECT_EQ(gate.waiting(), 1);
    owner.reset();
    t1.join();
    t2.join();
    EXPECT_TRUE(suspect1.has_value());
}

TEST(PasswordGate, AWaiterGivesUpAfterMaxWait) {
    PasswordGate gate(options(1, 4, 100ms));
    auto held = gate.enter(PasswordGate::kClean);
    const auto started = std::chrono::steady_clock::now();
    EXPECT_FALSE(gate.enter(PasswordGate::kClean).has_value());
    const auto waited = std::chrono::steady_clock::now() - started;
    EXPECT_GE(waited, 90ms);
    EXPECT_LT(waited, 2s);
    EXPECT_EQ(gate.waiting(), 0);
}

}  // namespace
}  // namespace settlebridge::common
