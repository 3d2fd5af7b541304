// Leases on scheduled work (several daemons on one database): one holder at a time, taken over after expiry.
#include "daemon/store/work_leases.hpp"

#include <gtest/gtest.h>

#include "daemon/store/store.hpp"
#include "tests/unit/store/temp_dir.hpp"
#include "tests/unit/store/test_store.hpp"

namespace settlebridge::store {
namespace {

using settlebridge::testing::TempDir;
using settlebridge::testing::TestStore;

constexpr Timestamp kNow = 1'700'000'000;

SETTLEBRIDGE_STORE_BACKENDS(WorkLeasesTest);

TEST_P(WorkLeasesTest, OneHolderAtATimeExtendedByItsHolderTakenOverWhenItExpires) {
    TempDir dir;
    TestStore store(dir.file("settlebridge.db"));
    auto claim = [&](const char* holder, Timestamp now, Timestamp until) {
        return store.write([&](Tx& tx) { return WorkLeases(tx.database()).claim("amazon_connection:1", holder, now, until); });
    };
    auto holder = [&](Timestamp now) {
        return store.read([&](Tx& tx) { return WorkLeases(tx.database()).holder("amazon_connection:1", now); });
    };
    EXPECT_EQ(holder(kNow), "");
    EXPECT_TRUE(claim("a", kNow, kNow + 900));
    EXPECT_FALSE(claim("b", kNow + 10, kNow + 910));       // a's lease runs
    EXPECT_FALSE(claim("b", kNow + 899, kNow + 1799));     // still, one second before it ends
    EXPECT_EQ(holder(kNow + 899), "a");
    EXPECT_TRUE(claim("a", kNow + 100, kNow + 1000));      // its holder extends it
    EXPECT_FALSE(claim("b", kNow + 950, kNow + 1850));
    EXPECT_TRUE(claim("b", kNow + 1000, kNow + 1900));     // a died: taken over when the lease ran out
    EXPECT_EQ(holder(kNow + 1000), "b");
    // Releasing: only the holder's own lease goes; another piece of work is independent.
    store.write([&](Tx& tx) { WorkLeases(tx.database()).release("amazon_connection:1", "a"); });
    EXPECT_EQ(holder(kNow + 1001), "b");
    EXPECT_TRUE(store.write([&](Tx& tx) { return WorkLeases(tx.database()).claim("amazon_connection:2", "a", kNow, kNow + 900); }));
    store.write([&](Tx& tx) { WorkLeases(tx.database()).release("amazon_connection:1", "b"); });
    EXPECT_EQ(holder(kNow + 1001), "");
    EXPECT_TRUE(claim("c", kNow + 1001, kNow + 1901));     // free again at once
}

}  // namespace
}  // namespace settlebridge::store
