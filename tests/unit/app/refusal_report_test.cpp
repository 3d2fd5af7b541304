// The report of sign-ins refused without a password check: totals saved for `status` when they change, at most one
// event-log line per reason per minute with the count since the last one, and the saved value read back (a damaged
// one reads as nothing).
#include "daemon/app/refusal_report.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemon/store/amazon_connections.hpp"
#include "daemon/store/store.hpp"
#include "tests/unit/store/temp_dir.hpp"

namespace settlebridge::app {
namespace {

using Refusals = common::SignInRefusals;
using Door = Refusals::Door;
using Reason = Refusals::Reason;

class RefusalReportTest : public ::testing::Test {
protected:
    RefusalReportTest() : db(dir.file("settlebridge.db")) {}

    std::vector<std::string> lines() {
        const auto events = db.read([](store::Tx& tx) { return tx.events().recent(std::nullopt, 1000); });
        std::vector<std::string> out;
        for (auto it = events.rbegin(); it != events.rend(); ++it) out.push_back(it->message);  // oldest first
        return out;
    }
    std::optional<store::RefusalTotals> saved() {
        return db.read([](store::Tx& tx) { return store::loadRefusalTotals(tx.database()); });
    }
    void refuse(Door door, Reason reason, int n) {
        for (int i = 0; i < n; ++i) refusals.count(door, reason);
    }

    settlebridge::testing::TempDir dir;
    store::Store db;
    Refusals refusals;
};

TEST_F(RefusalReportTest, AFloodWritesOneLinePerReasonPerMinuteWithTheCountSinceTheLast) {
    RefusalReport report(db, refusals);
    const std::int64_t t = refusals.since() + 5;
    EXPECT_EQ(report.run(t), "") << "nothing refused: nothing logged";
    ASSERT_TRUE(saved().has_value()) << "the zero totals are saved at the start";
    EXPECT_EQ(saved()->since, refusals.since());

    refuse(Door::WebConnector, Reason::GateBusy, 434);
    refuse(Door::Admin, Reason::GateBusy, 3);
    refuse(Door::WebConnector, Reason::NameRateLimited, 5000);
    report.run(t + 10);
    ASSERT_EQ(lines().size(), 2U);
    EXPECT_EQ(lines()[0],
              "437 sign-ins refused without a password check in the last 15 s: the password gate was busy (Web "
              "Connector 434, admin page 3; answered \"busy\" / 429 / 503 with the seconds to wait).");
    EXPECT_NE(lines()[1].find("5000 sign-ins refused"), std::string::npos) << lines()[1];

    // The flood goes on: no line before a minute has passed for that reason, whatever the count...
    for (int s = 20; s < 70; s += 10) {
        refuse(Door::WebConnector, Reason::GateBusy, 1000);
        report.run(t + s);
    }
    EXPECT_EQ(lines().size(), 2U);
    // ...but the totals for `status` follow every run.
    EXPECT_EQ(saved()->counts.at(Door::WebConnector, Reason::GateBusy), 5434U);
    EXPECT_EQ(saved()->updatedAt, t + 60);
    // A minute after its last line: one line with the count since then, for the reason that has news only.
    report.run(t + 70);
    ASSERT_EQ(lines().size(), 3U);
    EXPECT_EQ(lines()[2].rfind("5000 sign-ins refused without a password check in the last 60 s: the password gate", 0),
              0U)
        << lines()[2];
    refuse(Door::WebConnector, Reason::Locked, 1);
    report.run(t + 71);
    ASSERT_EQ(lines().size(), 4U) << "a reason's first line is not held back by another's";
    EXPECT_NE(lines()[3].find("1 sign-in refused"), std::string::npos);
    EXPECT_EQ(report.run(t + 200), "") << "nothing new: no line";
    EXPECT_EQ(lines().size(), 4U);
}

TEST_F(RefusalReportTest, TotalsAreReadBackAndADamagedValueReadsAsNothing) {
    EXPECT_FALSE(saved().has_value());
    store::RefusalTotals totals;
    totals.since = 1000;
    totals.updatedAt = 1060;
    totals.counts.byDoor[0][2] = 42;
    totals.counts.byDoor[1][3] = 7;
    db.write([&](store::Tx& tx) { store::saveRefusalTotals(tx.database(), totals); });
    const auto back = saved();
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(back->since, 1000);
    EXPECT_EQ(back->updatedAt, 1060);
    EXPECT_EQ(back->counts.at(Door::WebConnector, Reason::NameRateLimited), 42U);
    EXPECT_EQ(back->counts.at(Door::Admin, Reason::Locked), 7U);
    for (const char* damaged : {"not json", "{\"since\":1}", "{\"since\":-1,\"updated_at\":2,\"web_connector\":{},\"admin\":{}}",
                                "{\"since\":1,\"updated_at\":2,\"web_connector\":{\"locked\":\"x\"},\"admin\":{}}"}) {
        db.write([&](store::Tx& tx) { store::AppSettings(tx.database()).set("sign_in_refusals", damaged, 1); });
        EXPECT_FALSE(saved().has_value()) << damaged;
    }
}

}  // namespace
}  // namespace settlebridge::app
