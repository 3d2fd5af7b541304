#include "daemon/posting/state_machine.hpp"

#include <gtest/gtest.h>

namespace settlebridge::posting {
namespace {

Document queued() {
    Document d;
    d.id = 7;
    d.state = DocState::Queued;
    d.refNumber = "AYUTBXPHR0";
    d.expectedTotal = 12500;
    return d;
}

TEST(StateMachine, AllowedEdges) {
    using S = DocState;
    EXPECT_TRUE(canTransition(S::Held, S::Queued));
    EXPECT_TRUE(canTransition(S::Queued, S::Sent));
    EXPECT_TRUE(canTransition(S::Queued, S::Held));
    EXPECT_TRUE(canTransition(S::Queued, S::Posted));  // found by a verification lookup
    EXPECT_TRUE(canTransition(S::Sent, S::Posted));
    EXPECT_TRUE(canTransition(S::Sent, S::Failed));
    EXPECT_TRUE(canTransition(S::Sent, S::Queued));
    EXPECT_TRUE(canTransition(S::Sent, S::Held));
    EXPECT_TRUE(canTransition(S::Failed, S::Queued));
    EXPECT_FALSE(canTransition(S::Held, S::Sent));
    EXPECT_FALSE(canTransition(S::Held, S::Posted));
    EXPECT_FALSE(canTransition(S::Failed, S::Posted));
    EXPECT_FALSE(canTransition(S::Failed, S::Sent));
    for (S to : {S::Held, S::Queued, S::Sent, S::Posted, S::Failed}) EXPECT_FALSE(canTransition(S::Posted, to));
}

TEST(StateMachine, SendPostRecordsQuickBooksResult) {
    Document d = markSent(queued(), 3, 100);
    EXPECT_EQ(d.state, DocState::Sent);
    EXPECT_EQ(d.attempts, 1);
    EXPECT_EQ(d.sentAt, 100);
    EXPECT_EQ(d.lastSessionId, std::optional<std::int64_t>(3));
    d = markPosted(d, QbResult{"1A2B-1", "2024-03-21", 12500, 0, "Status OK"}, 3, 101);
    EXPECT_EQ(d.state, DocState::Posted);
    EXPECT_EQ(d.qbTxnId, "1A2B-1");
    EXPECT_EQ(d.qbTotal, std::optional<common::Cents>(12500));
    EXPECT_EQ(d.postedAt, 101);
    EXPECT_THROW(markSent(d, 3, 102), InvalidTransition);
    EXPECT_THROW(retry(d, 102), InvalidTransition);
    EXPECT_THROW(markPosted(markSent(queued(), 1, 1), QbResult{}, 1, 2), InvalidTransition);  // no TxnID
}

TEST(StateMachine, HeldApproveFailedRetry) {
    Document d = hold(queued(), "testing", "Testing mode", 5);
    EXPECT_EQ(d.state, DocState::Held);
    EXPECT_EQ(d.holdReason, "testing");
    EXPECT_THROW(markSent(d, 1, 6), InvalidTransition);
    d = approve(d, 6);
    EXPECT_EQ(d.state, DocState::Queued);
    EXPECT_TRUE(d.holdReason.empty());
    EXPECT_THROW(approve(d, 7), InvalidTransition);
    d = markFailed(markSent(d, 1, 7), QbResult{"", "", std::nullopt, 3140, "invalid reference"}, "why", 1, 8);
    EXPECT_EQ(d.state, DocState::Failed);
    EXPECT_EQ(d.qbStatusCode, std::optional<int>(3140));
    EXPECT_EQ(d.lastError, "why");
    d = retry(d, 9);
    EXPECT_EQ(d.state, DocState::Queued);
    EXPECT_TRUE(d.verifyFirst) << "an add was sent once: QuickBooks is checked before it is sent again";
    EXPECT_TRUE(d.lastError.empty());
}

TEST(StateMachine, RequeueOnlyFromSentOrQueued) {
    Document d = requeue(markSent(queued(), 1, 1), 500, "locked", 1, 2);
    EXPECT_EQ(d.state, DocState::Queued);
    EXPECT_EQ(d.retryAfter, 500);
    EXPECT_FALSE(d.verifyFirst);
    Document failed = markFailed(markSent(queued(), 1, 1), QbResult{}, "x", 1, 2);
    EXPECT_THROW(requeue(failed, 0, "", 1, 3), InvalidTransition);
    EXPECT_THROW(hold(failed, "x", "y", 3), InvalidTransition);
}

}  // namespace
}  // namespace settlebridge::posting
