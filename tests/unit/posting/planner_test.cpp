#include "daemon/posting/planner.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/unit/posting/posting_harness.hpp"
#include "tests/unit/posting/schema_check.hpp"

namespace settlebridge::posting {
namespace {

using settlebridge::testing::FakeQuickBooks;
using settlebridge::testing::hcpResponse;
using settlebridge::testing::isDocumentAdd;
using settlebridge::testing::isLookup;
using settlebridge::testing::PostingHarness;
using settlebridge::testing::qbxmlSchemaErrors;
using settlebridge::testing::requestElement;
using settlebridge::testing::sampleSummary;
using store::DocKind;
using store::DocState;
using store::PendingKind;

constexpr const char* kSettlement = "23874396421";

/// The request elements of a run, without the company file's sales tax code list, which is read once per company
/// before its first receipt or credit memo (docs/POSTING.md, "Editions"; EditionFacts tests below).
std::vector<std::string> elements(const std::vector<Request>& requests) {
    std::vector<std::string> out;
    for (const auto& r : requests) {
        if (requestElement(r.qbxml) != "SalesTaxCodeQueryRq") out.push_back(requestElement(r.qbxml));
    }
    return out;
}

void expectEveryDocumentOnce(const PostingHarness& h, const FakeQuickBooks& qb, const settlement::Summary& summary) {
    EXPECT_EQ(qb.count("SalesReceipt", summary.documents[0].refNumber), 1);
    if (summary.documents.size() > 1) {
        EXPECT_EQ(qb.count("CreditMemo", summary.documents[1].refNumber), 1);
        EXPECT_EQ(std::count_if(qb.ledger.begin(), qb.ledger.end(),
                                [](const auto& t) { return t.type == "ARRefundCreditCard"; }),
                  1);
    }
    (void)h;
}

TEST(Planner, PostsEverythingOnceWithPrerequisitesFirst) {
    PostingHarness h;
    FakeQuickBooks qb;
    const auto summary = sampleSummary(kSettlement, 2500);
    h.import(summary);
    auto session = h.startSession();
    ASSERT_TRUE(h.startResult.accepted);
    EXPECT_TRUE(session.preferencesRead) << "preferences come from the first call's HCP answer";
    const auto sent = h.run(session, qb);
    EXPECT_EQ(h.progress(session), 100);
    for (const auto& r : sent) EXPECT_EQ(qbxmlSchemaErrors(r.qbxml), "") << r.what << "\n" << r.qbxml;

    const auto names = elements(sent);
    // Prerequisites before documents: the clearing account, the customer, the items (batched), item accounts.
    // Before the customer is created, its name is looked for among vendors, employees and other names (one list).
    std::vector<std::string> expectedStart{"AccountQueryRq", "AccountAddRq", "CustomerQueryRq", "VendorQueryRq",
                                           "CustomerAddRq", "ItemQueryRq", "AccountQueryRq"};
    ASSERT_GE(names.size(), expectedStart.size());
    EXPECT_EQ(std::vector<std::string>(names.begin(), names.begin() + 7), expectedStart);
    const auto firstDoc = std::find(names.begin(), names.end(), "SalesReceiptAddRq");
    ASSERT_NE(firstDoc, names.end());
    EXPECT_EQ(std::count(names.begin(), names.end(), "ItemQueryRq"), 1) << "one batched item query";
    EXPECT_EQ(std::count(names.begin(), firstDoc, "ItemNonInventoryAddRq"), 2) << "two SKU items";
    EXPECT_EQ(std::count(names.begin(), firstDoc, "ItemOtherChargeAddRq"), 2) << "two fee category items";
    EXPECT_EQ(std::vector<std::string>(firstDoc, names.end()),
              (std::vector<std::string>{"SalesReceiptAddRq", "CreditMemoAddRq", "ARRefundCreditCardAddRq"}));

    for (const auto& d : h.documents()) {
        EXPECT_EQ(d.state, DocState::Posted) << d.externalKey;
        EXPECT_FALSE(d.qbTxnId.empty());
        EXPECT_EQ(d.qbTotal, std::optional<common::Cents>(d.expectedTotal));
    }
    expectEveryDocumentOnce(h, qb, summary);
    // The refund pays the credit memo out of the clearing account: the account moved by exactly the deposit.
    const auto memo = h.document(std::string(kSettlement) + ":C:0");
    const auto refund = std::find_if(qb.ledger.begin(), qb.ledger.end(),
                                     [](const auto& t) { return t.type == "ARRefundCreditCard"; });
    EXPECT_EQ(refund->appliedTo, memo.qbTxnId);
    EXPECT_EQ(qb.clearingBalance("Amazon Clearing"), summary.header.totalAmount);

    h.store->read([&](store::Tx& tx) {
        const auto report = h.planner.report(tx, *tx.sessions().find(session.id));
        EXPECT_EQ(report.text(), "Posted 3 documents (1 sales receipt, 1 credit memo, 1 refund payment).");
        EXPECT_EQ(tx.lists().list(h.company.id, store::ListKind::Item).size(), 4U) << "items learned are cached";
    });
}

TEST(Planner, LearnedItemsAreReusedByTheNextSession) {
    PostingHarness h;
    FakeQuickBooks qb;
    h.import(sampleSummary(kSettlement, 2500));
    auto s1 = h.startSession();
    h.run(s1, qb);
    h.import(sampleSummary("23874397121", 0));
    h.now += 3600;
    auto s2 = h.startSession();
    const auto names = elements(h.run(s2, qb));
    EXPECT_EQ(names, std::vector<std::string>{"SalesReceiptAddRq"}) << "nothing queried again";
}

TEST(Planner, ExistingItemsOfAnyTypeAreReused) {
    PostingHarness h;
    FakeQuickBooks qb;
    qb.items["SKU-ABC-001"] = "ItemInventory";  // an inventory part: cost of goods keeps flowing
    h.import(sampleSummary(kSettlement, 0));
    auto s = h.startSession();
    const auto names = elements(h.run(s, qb));
    EXPECT_EQ(std::count(names.begin(), names.end(), "ItemNonInventoryAddRq"), 1) << "only SKU-XYZ-42 is created";
    h.store->read([&](store::Tx& tx) {
        EXPECT_EQ(tx.lists().find(h.company.id, store::ListKind::Item, "SKU-ABC-001")->type, "ItemInventory");
    });
}

TEST(Planner, CategoryAccountsFromSettingsWithParentsOfTheSameType) {
    PostingHarness h;
    FakeQuickBooks qb;
    h.store->write([&](store::Tx& tx) {
        tx.companies().setCategoryAccount(h.company.id, {"commission", "Selling Fees:Referral", "Expense"});
    });
    h.import(sampleSummary(kSettlement, 0));
    auto s = h.startSession();
    const auto sent = h.run(s, qb);
    std::vector<std::string> accountAdds;
    for (const auto& r : sent) {
        if (requestElement(r.qbxml) == "AccountAddRq") accountAdds.push_back(r.qbxml);
    }
    const auto parent = std::find_if(accountAdds.begin(), accountAdds.end(), [](const std::string& x) {
        return x.find("<Name>Selling Fees</Name>") != std::string::npos;
    });
    ASSERT_NE(parent, accountAdds.end());
    EXPECT_NE(parent->find("<AccountType>Expense</AccountType>"), std::string::npos) << *parent;
    EXPECT_EQ(qb.accounts.at("Selling Fees:Referral"), "Expense");
    const auto itemAdd = std::find_if(sent.begin(), sent.end(), [](const Request& r) {
        return r.qbxml.find("<Name>Amazon Commission</Name>") != std::string::npos;
    });
    ASSERT_NE(itemAdd, sent.end());
    EXPECT_NE(itemAdd->qbxml.find("<FullName>Selling Fees:Referral</FullName>"), std::string::npos);
    EXPECT_EQ(h.document(std::string(kSettlement) + ":R:0").state, DocState::Posted);
}

/// The answer to the n-th document add never comes back (QuickBooks did post it); a new session must look it
/// up first and mark it posted without sending it again.
class LostResponse : public ::testing::TestWithParam<int> {};

TEST_P(LostResponse, AtEveryDocumentPositionNothingIsPostedTwice) {
    const int position = GetParam();
    PostingHarness h;
    FakeQuickBooks qb;
    const auto summary = sampleSummary(kSettlement, 2500);
    h.import(summary);
    auto s1 = h.startSession();
    int adds = 0;
    std::string lostRequestId;
    h.run(s1, qb, 200, [&](const Request& r) {
        if (!isDocumentAdd(r)) return false;
        if (adds++ != position) return false;
        lostRequestId = r.requestId;
        return true;
    });
    ASSERT_FALSE(lostRequestId.empty());
    const auto lostDoc = h.store->read([&](store::Tx& tx) { return tx.documents().list(h.company.id, DocState::Sent); });
    ASSERT_EQ(lostDoc.size(), 1U) << "the document whose answer was lost stays `sent`";

    h.now += 3600;
    auto s2 = h.startSession();
    const auto sent = h.run(s2, qb);
    ASSERT_FALSE(sent.empty());
    EXPECT_TRUE(isLookup(sent[0])) << "the lookup comes before anything else";
    EXPECT_EQ(qbxmlSchemaErrors(sent[0].qbxml), "") << sent[0].qbxml;
    EXPECT_EQ(std::count_if(sent.begin(), sent.end(),
                            [&](const Request& r) {
                                return isDocumentAdd(r) &&
                                       r.qbxml.find("<RefNumber>" + lostDoc[0].refNumber + "</RefNumber>") !=
                                           std::string::npos;
                            }),
              0)
        << "the lost document is not sent again";
    for (const auto& d : h.documents()) EXPECT_EQ(d.state, DocState::Posted) << d.externalKey;
    expectEveryDocumentOnce(h, qb, summary);
    EXPECT_EQ(qb.clearingBalance("Amazon Clearing"), summary.header.totalAmount);
}

/// The request never reached QuickBooks: the lookup finds nothing and the document is sent exactly once more.
TEST_P(LostResponse, RequestThatNeverArrivedIsSentOnceMore) {
    const int position = GetParam();
    PostingHarness h;
    FakeQuickBooks qb;
    const auto summary = sampleSummary(kSettlement, 2500);
    h.import(summary);
    auto s1 = h.startSession();
    int adds = 0;
    for (;;) {
        auto r = h.next(s1);
        ASSERT_TRUE(r.has_value());
        if (isDocumentAdd(*r) && adds++ == position) break;  // lost on the way to QuickBooks
        h.apply(s1, qb.answer(r->qbxml));
    }
    h.now += 3600;
    auto s2 = h.startSession();
    const auto sent = h.run(s2, qb);
    ASSERT_GE(sent.size(), 2U);
    EXPECT_TRUE(isLookup(sent[0]));
    EXPECT_TRUE(isDocumentAdd(sent[1])) << "not found in QuickBooks: sent again, once";
    for (const auto& d : h.documents()) EXPECT_EQ(d.state, DocState::Posted) << d.externalKey;
    expectEveryDocumentOnce(h, qb, summary);
}

INSTANTIATE_TEST_SUITE_P(Positions, LostResponse, ::testing::Values(0, 1, 2));

TEST(Planner, CrashBetweenMarkingSentAndTheResponse) {
    for (const bool reachedQuickBooks : {true, false}) {
        SCOPED_TRACE(reachedQuickBooks ? "QuickBooks posted it" : "QuickBooks never saw it");
        PostingHarness h;
        FakeQuickBooks qb;
        const auto summary = sampleSummary(kSettlement, 0);
        h.import(summary);
        auto s1 = h.startSession();
        for (;;) {
            auto r = h.next(s1);
            ASSERT_TRUE(r.has_value());
            if (isDocumentAdd(*r)) {
                if (reachedQuickBooks) qb.answer(r->qbxml);
                break;
            }
            h.apply(s1, qb.answer(r->qbxml));
        }
        h.reopen();  // the process died: a new Store on the same file
        EXPECT_EQ(h.documents(DocState::Sent).size(), 1U) << "`sent` was committed before the request left";
        h.now += 60;
        auto s2 = h.startSession();
        const auto sent = h.run(s2, qb);
        ASSERT_FALSE(sent.empty());
        EXPECT_TRUE(isLookup(sent[0]));
        EXPECT_EQ(std::count_if(sent.begin(), sent.end(), isDocumentAdd), reachedQuickBooks ? 0 : 1);
        EXPECT_EQ(qb.count("SalesReceipt", summary.documents[0].refNumber), 1);
        EXPECT_EQ(h.document(std::string(kSettlement) + ":R:0").state, DocState::Posted);
    }
}

TEST(Planner, OutOfSequenceCallTreatsThePendingAddAsLost) {
    PostingHarness h;
    FakeQuickBooks qb;
    h.import(sampleSummary(kSettlement, 0));
    auto s = h.startSession();
    std::optional<Request> r;
    while ((r = h.next(s)) && !isDocumentAdd(*r)) h.apply(s, qb.answer(r->qbxml));
    ASSERT_TRUE(r.has_value());
    qb.answer(r->qbxml);  // QuickBooks posted it, the answer is lost, the Web Connector asks again
    auto again = h.next(s);
    ASSERT_TRUE(again.has_value());
    EXPECT_TRUE(isLookup(*again));
    h.apply(s, qb.answer(again->qbxml));
    EXPECT_EQ(h.document(std::string(kSettlement) + ":R:0").state, DocState::Posted);
    EXPECT_FALSE(h.next(s).has_value());
    EXPECT_EQ(qb.ledger.size(), 1U);
}

TEST(Planner, UnreadableAnswerKeepsTheDocumentSentForALookup) {
    PostingHarness h;
    FakeQuickBooks qb;
    h.import(sampleSummary(kSettlement, 0));
    auto s = h.startSession();
    std::optional<Request> r;
    while ((r = h.next(s)) && !isDocumentAdd(*r)) h.apply(s, qb.answer(r->qbxml));
    qb.answer(r->qbxml);
    const auto outcome = h.apply(s, "<QBXML><QBXMLMsgsRs><SalesReceiptAddRs");  // truncated
    EXPECT_TRUE(outcome.error);
    EXPECT_NE(outcome.message.find("could not read"), std::string::npos) << outcome.message;
    EXPECT_EQ(h.document(std::string(kSettlement) + ":R:0").state, DocState::Sent);
    auto next = h.next(s);
    ASSERT_TRUE(next.has_value());
    EXPECT_TRUE(isLookup(*next));
}

TEST(Planner, TotalMismatchFailsLoudlyAndIsNeverDuplicated) {
    PostingHarness h;
    FakeQuickBooks qb;
    qb.extraTax = 813;  // QuickBooks adds its own sales tax
    h.import(sampleSummary(kSettlement, 0));
    auto s = h.startSession();
    h.run(s, qb);
    EXPECT_TRUE(h.lastOutcome.error) << "a negative percentage makes the Web Connector show the message";
    EXPECT_NE(h.lastOutcome.message.find("sales tax"), std::string::npos) << h.lastOutcome.message;
    auto doc = h.document(std::string(kSettlement) + ":R:0");
    EXPECT_EQ(doc.state, DocState::Failed);
    EXPECT_EQ(doc.qbTotal, std::optional<common::Cents>(12500 + 813));
    EXPECT_FALSE(doc.qbTxnId.empty());
    h.store->read([&](store::Tx& tx) {
        bool loud = false;
        for (const auto& e : tx.events().recent(h.company.id, 50)) loud |= e.level == store::EventLevel::Error;
        EXPECT_TRUE(loud);
    });

    // Retried without fixing anything: found by its ExternalGUID, still wrong: failed again, not added again.
    h.queue->retry(doc.id, h.now);
    auto s2 = h.startSession();
    auto sent = h.run(s2, qb);
    EXPECT_EQ(std::count_if(sent.begin(), sent.end(), isDocumentAdd), 0);
    EXPECT_EQ(h.document(std::string(kSettlement) + ":R:0").state, DocState::Failed);
    EXPECT_EQ(qb.ledger.size(), 1U);

    // The bookkeeper deletes it in QuickBooks and fixes the tax setting: retried, it is posted once.
    qb.ledger.clear();
    qb.extraTax = 0;
    h.queue->retry(doc.id, h.now);
    auto s3 = h.startSession();
    sent = h.run(s3, qb);
    EXPECT_EQ(elements(sent), (std::vector<std::string>{"SalesReceiptQueryRq", "SalesReceiptAddRq"}));
    EXPECT_EQ(h.document(std::string(kSettlement) + ":R:0").state, DocState::Posted);
    EXPECT_EQ(qb.ledger.size(), 1U);
}

TEST(Planner, LockMessageIsRetriedLater) {
    PostingHarness h;
    FakeQuickBooks qb;
    qb.failNext["SalesReceiptAddRq"].push_back(
        {3170, "Error", "There was an error when modifying a Customer list element. QuickBooks error message: This list "
                        "has been modified by another user."});
    h.import(sampleSummary(kSettlement, 0));
    auto s = h.startSession();
    h.run(s, qb);
    auto doc = h.document(std::string(kSettlement) + ":R:0");
    EXPECT_EQ(doc.state, DocState::Queued);
    EXPECT_EQ(doc.retryAfter, h.now + h.planner.options().lockRetrySeconds);
    EXPECT_EQ(doc.qbStatusCode, std::optional<int>(3170));
    bool waiting = false;
    const int percent = h.store->write([&](store::Tx& tx) {
        return h.planner.progress(tx, *tx.sessions().find(s.id), h.now, &waiting);
    });
    EXPECT_LT(percent, 100);
    EXPECT_TRUE(waiting) << "the Web Connector is told NoOp and comes back in a few seconds";
    EXPECT_FALSE(h.next(s).has_value()) << "not before retryAfter";
    h.now += h.planner.options().lockRetrySeconds;
    const auto sent = h.run(s, qb);
    EXPECT_EQ(elements(sent), std::vector<std::string>{"SalesReceiptAddRq"});
    EXPECT_EQ(h.document(std::string(kSettlement) + ":R:0").state, DocState::Posted);
    EXPECT_EQ(qb.ledger.size(), 1U);
}

TEST(Planner, RepeatedLocksWaitForTheNextSession) {
    PostingHarness h;
    FakeQuickBooks qb;
    for (int i = 0; i < 3; ++i) {
        qb.failNext["SalesReceiptAddRq"].push_back({3175, "Error", "The record could not be locked: it is in use."});
    }
    h.import(sampleSummary(kSettlement, 0));
    auto s = h.startSession();
    for (int i = 0; i < 3; ++i) {
        h.run(s, qb);
        h.now += h.planner.options().lockRetrySeconds;
    }
    auto doc = h.document(std::string(kSettlement) + ":R:0");
    EXPECT_EQ(doc.state, DocState::Queued);
    EXPECT_GE(doc.retryAfter, h.now + h.planner.options().lockDeferSeconds - 3 * h.planner.options().lockRetrySeconds);
    EXPECT_EQ(h.progress(s), 100);
}

TEST(Planner, Status3180WithoutALockMessageFails) {
    PostingHarness h;
    FakeQuickBooks qb;
    qb.failNext["SalesReceiptAddRq"].push_back(
        {3180, "Error", "There was an error when saving a Sales Receipt.  QuickBooks error message: The credit limit "
                        "for this customer has been exceeded."});
    h.import(sampleSummary(kSettlement, 0));
    auto s = h.startSession();
    h.run(s, qb);
    auto doc = h.document(std::string(kSettlement) + ":R:0");
    EXPECT_EQ(doc.state, DocState::Failed);
    EXPECT_EQ(doc.qbStatusCode, std::optional<int>(3180));
    EXPECT_NE(doc.qbStatusMessage.find("credit limit"), std::string::npos);
    EXPECT_TRUE(qb.ledger.empty());
}

TEST(Planner, DocumentInAClosedPeriodIsHeldBeforeItIsSent) {
    PostingHarness h;
    FakeQuickBooks qb;
    h.import(sampleSummary(kSettlement, 0));
    auto s = h.startSession(hcpResponse("13.0", "2024-03-31"));
    const auto sent = h.run(s, qb);
    EXPECT_EQ(std::count_if(sent.begin(), sent.end(), isDocumentAdd), 0);
    auto doc = h.document(std::string(kSettlement) + ":R:0");
    EXPECT_EQ(doc.state, DocState::Held);
    EXPECT_EQ(doc.holdReason, "closed-period");
    EXPECT_NE(doc.lastError.find("2024-03-31"), std::string::npos) << doc.lastError;
    // Not retried forever: a new session leaves it alone.
    h.now += 3600;
    auto s2 = h.startSession(hcpResponse("13.0", "2024-03-31"));
    EXPECT_FALSE(h.next(s2).has_value());
    h.store->read([&](store::Tx& tx) { EXPECT_EQ(h.planner.pendingWork(tx, h.company.id, h.now).documents, 0); });
}

TEST(Planner, ClosedPeriodAnswerFromQuickBooksHolds) {
    PostingHarness h;
    FakeQuickBooks qb;
    qb.closingDate = "2024-03-31";  // QuickBooks knows it; the preferences we read did not say
    h.import(sampleSummary(kSettlement, 0));
    auto s = h.startSession();
    h.run(s, qb);
    auto doc = h.document(std::string(kSettlement) + ":R:0");
    EXPECT_EQ(doc.state, DocState::Held);
    EXPECT_EQ(doc.holdReason, "closed-period");
    EXPECT_EQ(doc.qbStatusCode, std::optional<int>(3171));
    EXPECT_TRUE(qb.ledger.empty());
    // Approved after the period was reopened: posted.
    qb.closingDate.clear();
    h.updateCompany([](store::Company& c) { c.closingDate.clear(); });
    EXPECT_EQ(h.queue->approve("acme", kSettlement, h.now), 1);
    auto s2 = h.startSession(hcpResponse());
    h.run(s2, qb);
    EXPECT_EQ(h.document(std::string(kSettlement) + ":R:0").state, DocState::Posted);
}

TEST(Planner, InvalidReferenceFailsThenIsRecheckedNextSession) {
    PostingHarness h;
    FakeQuickBooks qb;
    h.import(sampleSummary(kSettlement, 0));
    auto s1 = h.startSession();
    h.run(s1, qb);
    ASSERT_EQ(h.document(std::string(kSettlement) + ":R:0").state, DocState::Posted);

    qb.items.erase("Amazon Commission");  // deleted in QuickBooks behind Settlebridge's back
    h.import(sampleSummary("23874397121", 0));
    h.now += 3600;
    auto s2 = h.startSession();
    h.run(s2, qb);
    auto doc = h.document("23874397121:R:0");
    EXPECT_EQ(doc.state, DocState::Failed);
    EXPECT_EQ(doc.qbStatusCode, std::optional<int>(3140));
    h.store->read([&](store::Tx& tx) {
        EXPECT_FALSE(tx.lists().find(h.company.id, store::ListKind::Item, "Amazon Commission").has_value())
            << "the stale cache entry is dropped";
        EXPECT_EQ(h.planner.pendingWork(tx, h.company.id, h.now).documents, 1) << "a new session has work";
    });

    h.now += 3600;
    auto s3 = h.startSession();
    const auto names = elements(h.run(s3, qb));
    EXPECT_EQ(names, (std::vector<std::string>{"ItemQueryRq", "ItemOtherChargeAddRq", "SalesReceiptAddRq"}));
    doc = h.document("23874397121:R:0");
    EXPECT_EQ(doc.state, DocState::Posted);
    EXPECT_EQ(doc.autoRetries, 1);
    EXPECT_EQ(qb.count("SalesReceipt", doc.refNumber), 1);
}

TEST(Planner, RefundWaitsForItsCreditMemo) {
    PostingHarness h;
    FakeQuickBooks qb;
    qb.failNext["CreditMemoAddRq"].push_back(
        {3210, "Error", "The \"Amount\" field has an invalid value \"x\".  QuickBooks error message: Invalid argument."});
    h.import(sampleSummary(kSettlement, 2500));
    auto s = h.startSession();
    const auto names = elements(h.run(s, qb));
    EXPECT_EQ(std::count(names.begin(), names.end(), "ARRefundCreditCardAddRq"), 0);
    EXPECT_EQ(h.document(std::string(kSettlement) + ":C:0").state, DocState::Failed);
    EXPECT_EQ(h.document(std::string(kSettlement) + ":P:0").state, DocState::Queued);
    EXPECT_EQ(h.document(std::string(kSettlement) + ":R:0").state, DocState::Posted);
    h.store->read([&](store::Tx& tx) {
        EXPECT_EQ(h.planner.pendingWork(tx, h.company.id, h.now).documents, 0) << "the refund cannot go yet";
    });
    // Retried: the credit memo is posted, then its refund in the same session.
    h.queue->retry(h.document(std::string(kSettlement) + ":C:0").id, h.now);
    auto s2 = h.startSession();
    EXPECT_EQ(elements(h.run(s2, qb)),
              (std::vector<std::string>{"CreditMemoQueryRq", "CreditMemoAddRq", "ARRefundCreditCardAddRq"}));
    EXPECT_EQ(h.document(std::string(kSettlement) + ":P:0").state, DocState::Posted);
}

TEST(Planner, FallbackItemWhenCreatingItemsIsOff) {
    PostingHarness h;
    FakeQuickBooks qb;
    qb.items["Amazon Misc"] = "ItemOtherCharge";
    h.updateCompany([](store::Company& c) {
        c.autoCreateItems = false;
        c.fallbackItem = "Amazon Misc";
    });
    h.import(sampleSummary(kSettlement, 0));
    auto s = h.startSession();
    const auto sent = h.run(s, qb);
    const auto names = elements(sent);
    EXPECT_EQ(std::count(names.begin(), names.end(), "ItemNonInventoryAddRq"), 0);
    EXPECT_EQ(std::count(names.begin(), names.end(), "ItemOtherChargeAddRq"), 0);
    const auto add = std::find_if(sent.begin(), sent.end(), isDocumentAdd);
    ASSERT_NE(add, sent.end());
    EXPECT_NE(add->qbxml.find("<FullName>Amazon Misc</FullName>"), std::string::npos);
    EXPECT_EQ(add->qbxml.find("<FullName>SKU-ABC-001</FullName>"), std::string::npos);
    EXPECT_EQ(h.document(std::string(kSettlement) + ":R:0").state, DocState::Posted);
}

TEST(Planner, MissingItemWithoutFallbackWaitsWithAReason) {
    PostingHarness h;
    FakeQuickBooks qb;
    h.updateCompany([](store::Company& c) { c.autoCreateItems = false; });
    h.import(sampleSummary(kSettlement, 0));
    auto s = h.startSession();
    const auto sent = h.run(s, qb);
    EXPECT_EQ(std::count_if(sent.begin(), sent.end(), isDocumentAdd), 0);
    auto doc = h.document(std::string(kSettlement) + ":R:0");
    EXPECT_EQ(doc.state, DocState::Queued);
    EXPECT_NE(doc.lastError.find("is not in QuickBooks"), std::string::npos) << doc.lastError;
    EXPECT_EQ(h.progress(s), 100);
}

TEST(Planner, NameAlreadyInUseIsQueriedOnceMoreThenReported) {
    PostingHarness h;
    FakeQuickBooks qb;
    qb.failNext["CustomerAddRq"].push_back(
        {3100, "Error", "The name \"Amazon Summary\" of the list element is already in use."});
    qb.failNext["CustomerAddRq"].push_back(
        {3100, "Error", "The name \"Amazon Summary\" of the list element is already in use."});
    h.import(sampleSummary(kSettlement, 0));
    auto s = h.startSession();
    const auto names = elements(h.run(s, qb));
    EXPECT_EQ(std::count(names.begin(), names.end(), "CustomerQueryRq"), 2);
    EXPECT_EQ(std::count(names.begin(), names.end(), "SalesReceiptAddRq"), 0);
    h.store->read([&](store::Tx& tx) {
        const auto report = h.planner.report(tx, *tx.sessions().find(s.id));
        ASSERT_EQ(report.blocked.size(), 1U);
        EXPECT_NE(report.blocked[0].find("Amazon Summary"), std::string::npos) << report.blocked[0];
    });
}

TEST(Planner, TransferLostAnswerIsFoundByItsMemo) {
    PostingHarness h;
    FakeQuickBooks qb;
    qb.accounts["Checking"] = "Bank";
    h.updateCompany([](store::Company& c) {
        c.postTransfer = true;
        c.bankAccount = "Checking";
    });
    const auto summary = sampleSummary(kSettlement, 0);
    h.import(summary);
    auto s1 = h.startSession();
    h.run(s1, qb, 200, [](const Request& r) { return r.what.rfind("transfer", 0) == 0; });
    h.now += 3600;
    auto s2 = h.startSession();
    const auto lookups = h.run(s2, qb);
    EXPECT_EQ(elements(lookups), std::vector<std::string>{"TransferQueryRq"});
    EXPECT_EQ(qbxmlSchemaErrors(lookups.at(0).qbxml), "");
    EXPECT_EQ(h.document(std::string(kSettlement) + ":T").state, DocState::Posted);
    EXPECT_EQ(std::count_if(qb.ledger.begin(), qb.ledger.end(), [](const auto& t) { return t.type == "Transfer"; }), 1);
    EXPECT_EQ(qb.clearingBalance("Amazon Clearing"), 0) << "the deposit moved on to the bank";
}

// Issue 15 part 1 (docs/ACCOUNTING.md section 14): a negative settlement deposits nothing; its documents go through
// the carried-balance account, created as an other current asset, never through Amazon Clearing.
TEST(Planner, NegativeSettlementGoesThroughReservedBalances) {
    PostingHarness h;
    FakeQuickBooks qb;
    const auto summary = sampleSummary(kSettlement, 20000);  // receipt 125.00, credit memo 200.00: total -75.00
    ASSERT_LT(summary.header.totalAmount, 0);
    h.import(summary);
    auto session = h.startSession();
    const auto sent = h.run(session, qb);
    for (const auto& r : sent) EXPECT_EQ(qbxmlSchemaErrors(r.qbxml), "") << r.what << "\n" << r.qbxml;
    for (const auto& d : h.documents()) EXPECT_EQ(d.state, DocState::Posted) << d.externalKey << " " << d.lastError;
    EXPECT_EQ(qb.accounts.count("Amazon Clearing"), 0U) << "nothing needed the clearing account";
    ASSERT_EQ(qb.accounts.count("Amazon Reserved Balances"), 1U);
    EXPECT_EQ(qb.accounts.at("Amazon Reserved Balances"), "OtherCurrentAsset");
    EXPECT_EQ(qb.balance("Amazon Reserved Balances"), -7500);
    EXPECT_EQ(qb.balance("Amazon Clearing"), 0);
    for (const auto& t : qb.ledger) {
        if (t.type == "SalesReceipt") {
            EXPECT_EQ(t.depositTo, "Amazon Reserved Balances");
        }
        if (t.type == "ARRefundCreditCard") {
            EXPECT_EQ(t.from, "Amazon Reserved Balances");
        }
    }
    // The company's own account for the carried-balance categories is used for the documents too.
    PostingHarness renamed;
    FakeQuickBooks qb2;
    renamed.store->write([&](store::Tx& tx) {
        tx.companies().setCategoryAccount(renamed.company.id, {"payable-to-amazon", "Amazon Owed", "OtherCurrentAsset"});
    });
    renamed.import(sampleSummary(kSettlement, 20000));
    auto s2 = renamed.startSession();
    renamed.run(s2, qb2);
    EXPECT_EQ(qb2.balance("Amazon Owed"), -7500);
}

// A payout the bank returned: with the transfer option, the Failed disbursement's day gets a transfer from the bank back
// to Amazon Reserved Balances; its lost answer is found again by the memo, never sent twice.
TEST(Planner, ReturnedPayoutIsTransferredBackFromTheBank) {
    PostingHarness h;
    FakeQuickBooks qb;
    qb.accounts["Checking"] = "Bank";
    h.updateCompany([](store::Company& c) {
        c.postTransfer = true;
        c.bankAccount = "Checking";
    });
    auto summary = sampleSummary(kSettlement, 0);
    summary.returnedPayouts.push_back({"2024-03-19", 4000});
    summary.returnedPayouts.push_back({"2024-03-20", -100});  // noted by the summarizer, nothing to transfer
    h.import(summary);
    auto s1 = h.startSession();
    h.run(s1, qb, 200, [](const Request& r) { return r.what.find(":F:0") != std::string::npos; });
    h.now += 3600;
    auto s2 = h.startSession();
    const auto sent = h.run(s2, qb);
    for (const auto& r : sent) EXPECT_EQ(qbxmlSchemaErrors(r.qbxml), "") << r.what << "\n" << r.qbxml;
    const auto back = h.document(std::string(kSettlement) + ":F:0");
    EXPECT_EQ(back.kind, DocKind::Transfer);
    EXPECT_EQ(back.state, DocState::Posted) << back.lastError;
    EXPECT_EQ(back.txnDate, "2024-03-19");
    EXPECT_EQ(back.expectedTotal, 4000);
    EXPECT_EQ(h.documents().size(), 3U) << "receipt, deposit transfer, one transfer back";
    int returned = 0;
    for (const auto& t : qb.ledger) {
        if (t.type != "Transfer" || t.from != "Checking") continue;
        ++returned;
        EXPECT_EQ(t.to, "Amazon Reserved Balances");
        EXPECT_EQ(t.total, 4000);
        EXPECT_EQ(t.txnDate, "2024-03-19");
    }
    EXPECT_EQ(returned, 1);
    EXPECT_EQ(qb.balance("Checking"), summary.header.totalAmount - 4000);
    EXPECT_EQ(qb.balance("Amazon Clearing"), 0);
}

TEST(Planner, QuickBooksOlderThan2014IsRefused) {
    PostingHarness h;
    FakeQuickBooks qb;
    h.import(sampleSummary(kSettlement, 0));
    auto s = h.startSession(hcpResponse("5.0"), 5);
    EXPECT_FALSE(h.startResult.accepted);
    EXPECT_NE(h.startResult.message.find("13.0"), std::string::npos) << h.startResult.message;
    EXPECT_FALSE(h.next(s).has_value());
    EXPECT_EQ(qb.requests, 0);
}

TEST(Planner, WrongCompanyFileIsRefused) {
    PostingHarness h;
    h.import(sampleSummary(kSettlement, 0));
    const std::string hcp =
        "<?xml version=\"1.0\" ?><QBXML><QBXMLMsgsRs>"
        "<HostQueryRs requestID=\"0\" statusCode=\"0\" statusSeverity=\"Info\" statusMessage=\"Status OK\"><HostRet>"
        "<ProductName>QuickBooks Pro 2014</ProductName><SupportedQBXMLVersion>13.0</SupportedQBXMLVersion></HostRet>"
        "</HostQueryRs><CompanyQueryRs requestID=\"1\" statusCode=\"0\" statusSeverity=\"Info\" "
        "statusMessage=\"Status OK\"><CompanyRet><CompanyName>Other</CompanyName><DataExtRet><OwnerID>" +
        h.company.ownerId +
        "</OwnerID><DataExtName>FileID</DataExtName><DataExtType>STR255TYPE</DataExtType>"
        "<DataExtValue>{00000000-1111-2222-3333-444444444444}</DataExtValue></DataExtRet></CompanyRet>"
        "</CompanyQueryRs></QBXMLMsgsRs></QBXML>";
    auto s = h.startSession(hcp);
    EXPECT_FALSE(h.startResult.accepted);
    EXPECT_NE(h.startResult.message.find("another company file"), std::string::npos) << h.startResult.message;
    EXPECT_FALSE(h.next(s).has_value());
}

TEST(Planner, PreferencesAreQueriedWhenTheFirstCallLackedThem) {
    PostingHarness h;
    FakeQuickBooks qb;
    qb.closingDate = "2023-12-31";
    h.import(sampleSummary(kSettlement, 0));
    auto s = h.startSession("");
    EXPECT_TRUE(h.startResult.accepted);
    auto r = h.next(s);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->kind, PendingKind::Preferences);
    h.apply(s, qb.answer(r->qbxml));
    EXPECT_EQ(h.store->read([&](store::Tx& tx) { return tx.companies().find(h.company.id)->closingDate; }),
              "2023-12-31");
    h.run(s, qb);
    EXPECT_EQ(h.document(std::string(kSettlement) + ":R:0").state, DocState::Posted);
}

TEST(Planner, ProgressRisesAndEndsAt100) {
    PostingHarness h;
    FakeQuickBooks qb;
    h.import(sampleSummary(kSettlement, 2500));
    auto s = h.startSession();
    std::vector<int> seen;
    while (auto r = h.next(s)) {
        h.apply(s, qb.answer(r->qbxml));
        seen.push_back(h.progress(s));
    }
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.back(), 100);
    for (std::size_t i = 0; i + 1 < seen.size(); ++i) {
        EXPECT_GE(seen[i], 1);
        EXPECT_LT(seen[i], 100);
    }
}

}  // namespace
}  // namespace settlebridge::posting

namespace settlebridge::posting {
namespace {

// ---------------------------------------------------------------------------------------------------------------
// Re-sends, counted (docs/POSTING.md "Exactly once")

/// `answer` without the elements named (e.g. "TxnID"): what a QuickBooks answer without them looks like.
std::string withoutElements(std::string answer, const std::vector<std::string>& names) {
    for (const auto& name : names) {
        const std::string open = "<" + name + ">";
        const std::string close = "</" + name + ">";
        // Only the transaction's own element: the first one after the Ret opens (a refund's applied-to block has its
        // own TxnID and RefNumber further down).
        const auto at = answer.find(open, answer.find("Ret>"));
        if (at == std::string::npos) continue;
        answer.erase(at, answer.find(close, at) + close.size() - at);
    }
    return answer;
}

constexpr const char* kNotFound = "A query request did not find a matching object in QuickBooks";

/// Plays a session up to the first add of `kind` (answering everything before it); returns that add.
Request untilAdd(PostingHarness& h, store::WcSession& s, FakeQuickBooks& qb, const std::string& element) {
    for (;;) {
        auto r = h.next(s);
        if (!r) throw std::runtime_error("no " + element + " was sent");
        if (requestElement(r->qbxml) == element) return *r;
        h.apply(s, qb.answer(r->qbxml));
    }
}

TEST(Planner, AnsweredAddWithoutItsFieldsThenNotFoundNeedsCheckingAndIsNeverSentAgain) {
    // The reported case: status 0, a Ret without TxnID, RefNumber and TotalAmount, a query that finds nothing.
    PostingHarness h;
    FakeQuickBooks qb;
    h.import(sampleSummary(kSettlement, 2500));
    auto s = h.startSession();
    const Request add = untilAdd(h, s, qb, "ARRefundCreditCardAddRq");
    const std::string answer = withoutElements(qb.answer(add.qbxml), {"TxnID", "RefNumber", "TotalAmount"});
    EXPECT_FALSE(h.apply(s, answer).error);
    auto refund = h.document(std::string(kSettlement) + ":P:0");
    EXPECT_EQ(refund.state, DocState::Sent);
    EXPECT_NE(refund.addAnswer.find("no TxnID"), std::string::npos) << refund.addAnswer;
    EXPECT_NE(refund.addAnswer.find("no TotalAmount"), std::string::npos) << refund.addAnswer;
    qb.failNext["ARRefundCreditCardQueryRq"].push_back({1, "Info", kNotFound});
    std::vector<Request> sent;
    for (int i = 0; i < 50; ++i) {
        auto r = h.next(s);
        if (!r) break;
        sent.push_back(*r);
        h.apply(s, qb.answer(r->qbxml));
    }
    ASSERT_FALSE(sent.empty());
    EXPECT_TRUE(isLookup(sent[0]));
    EXPECT_EQ(std::count_if(sent.begin(), sent.end(), isDocumentAdd), 0) << "never sent again";
    refund = h.document(std::string(kSettlement) + ":P:0");
    EXPECT_EQ(refund.state, DocState::Failed);
    EXPECT_EQ(refund.checkReason, "answered");
    EXPECT_NE(refund.lookupAnswer.find(kNotFound), std::string::npos) << refund.lookupAnswer;
    EXPECT_NE(refund.lastError.find("does not send it again"), std::string::npos) << refund.lastError;
    EXPECT_EQ(h.progress(s), 100);
    h.store->read([&](store::Tx& tx) {
        EXPECT_EQ(h.planner.pendingWork(tx, h.company.id, h.now).documents, 0) << "nothing for a new session";
        const std::string text = h.planner.report(tx, *tx.sessions().find(s.id)).text();
        EXPECT_NE(text.find("1 needs checking in QuickBooks: refund payment"), std::string::npos) << text;
    });
    // A person checked: it is not in QuickBooks after all. Retry sends it once more (after a lookup).
    h.queue->retry(refund.id, h.now);
    refund = h.document(std::string(kSettlement) + ":P:0");
    EXPECT_TRUE(refund.checkReason.empty());
    EXPECT_TRUE(refund.addAnswer.empty());
    EXPECT_EQ(refund.resends, 0);
}

TEST(Planner, AnsweredAddMissingOneFieldIsFoundByTheLookup) {
    for (const char* missing : {"TxnID", "RefNumber", "TotalAmount"}) {
        SCOPED_TRACE(missing);
        PostingHarness h;
        FakeQuickBooks qb;
        const auto summary = sampleSummary(kSettlement, 0);
        h.import(summary);
        auto s = h.startSession();
        const Request add = untilAdd(h, s, qb, "SalesReceiptAddRq");
        h.apply(s, withoutElements(qb.answer(add.qbxml), {missing}));
        EXPECT_EQ(h.document(std::string(kSettlement) + ":R:0").state, DocState::Sent);
        const auto sent = h.run(s, qb);
        ASSERT_FALSE(sent.empty());
        EXPECT_TRUE(isLookup(sent[0]));
        EXPECT_EQ(h.document(std::string(kSettlement) + ":R:0").state, DocState::Posted);
        expectEveryDocumentOnce(h, qb, summary);
    }
}

TEST(Planner, LookupThatErrorsSendsNothingAgain) {
    PostingHarness h;
    FakeQuickBooks qb;
    h.import(sampleSummary(kSettlement, 0));
    auto s = h.startSession();
    const Request add = untilAdd(h, s, qb, "SalesReceiptAddRq");
    h.apply(s, withoutElements(qb.answer(add.qbxml), {"TxnID", "RefNumber", "TotalAmount"}));
    qb.failNext["SalesReceiptQueryRq"].push_back({3260, "Error", "Insufficient permission level to perform this action."});
    auto lookup = h.next(s);
    ASSERT_TRUE(lookup && isLookup(*lookup));
    const auto outcome = h.apply(s, qb.answer(lookup->qbxml));
    EXPECT_TRUE(outcome.error);
    EXPECT_NE(outcome.message.find("could not check"), std::string::npos) << outcome.message;
    const auto doc = h.document(std::string(kSettlement) + ":R:0");
    EXPECT_EQ(doc.state, DocState::Sent);
    EXPECT_NE(doc.lookupAnswer.find("3260"), std::string::npos) << doc.lookupAnswer;
    for (auto r = h.next(s); r; r = h.next(s)) {
        EXPECT_FALSE(isDocumentAdd(*r) && requestElement(r->qbxml) == "SalesReceiptAddRq") << "not sent again";
        h.apply(s, qb.answer(r->qbxml));
    }
    EXPECT_EQ(qb.count("SalesReceipt", doc.refNumber), 1);
}

TEST(Planner, UnansweredAddIsSentAgainAtMostThreeTimesAcrossSessionsAndRestarts) {
    PostingHarness h;
    FakeQuickBooks qb;
    h.import(sampleSummary(kSettlement, 0));
    const std::string key = std::string(kSettlement) + ":R:0";
    int adds = 0;
    for (int session = 0; session < 6; ++session) {
        h.now += 600;
        auto s = h.startSession();
        for (auto r = h.next(s); r; r = h.next(s)) {
            if (requestElement(r->qbxml) == "SalesReceiptAddRq") {
                ++adds;  // lost before QuickBooks saw it
                break;
            }
            h.apply(s, qb.answer(r->qbxml));
        }
        h.reopen();  // and the process dies
    }
    EXPECT_EQ(adds, 4) << "the first add and three re-sends";
    const auto doc = h.document(key);
    EXPECT_EQ(doc.state, DocState::Failed);
    EXPECT_EQ(doc.checkReason, "resend-limit");
    EXPECT_EQ(doc.resends, 3);
    EXPECT_EQ(doc.attempts, 4);
    EXPECT_NE(doc.lastError.find("4 times without an answer"), std::string::npos) << doc.lastError;
    EXPECT_EQ(qb.count("SalesReceipt", doc.refNumber), 0);
}

TEST(Planner, SessionWithoutProgressEnds) {
    PlannerOptions options;
    options.maxIdleRequests = 2;
    PostingHarness h(store::CompanyMode::Live, options);
    FakeQuickBooks qb;
    h.import(sampleSummary(kSettlement, 0));
    auto s1 = h.startSession();
    untilAdd(h, s1, qb, "SalesReceiptAddRq");  // lost
    h.now += 600;
    auto s = h.startSession();
    auto lookup = h.next(s);
    ASSERT_TRUE(lookup && isLookup(*lookup));
    h.apply(s, qb.answer(lookup->qbxml));  // not found: queued again (1 answer without progress)
    const Request add = untilAdd(h, s, qb, "SalesReceiptAddRq");
    h.apply(s, withoutElements(qb.answer(add.qbxml), {"TxnID"}));  // answered without its TxnID (2)
    EXPECT_FALSE(h.next(s).has_value()) << "the session ends although a lookup is due";
    EXPECT_EQ(h.progress(s), 100);
    h.store->read([&](store::Tx& tx) {
        const auto session = *tx.sessions().find(s.id);
        EXPECT_TRUE(h.planner.stalled(session));
        const std::string text = h.planner.report(tx, session).text();
        EXPECT_NE(text.find("moved nothing forward"), std::string::npos) << text;
    });
    auto next = h.startSession();
    auto again = h.next(next);
    ASSERT_TRUE(again.has_value());
    EXPECT_TRUE(isLookup(*again)) << "the next session carries on";
}

TEST(SchemaCheck, RejectsAnInvalidRequest) {
    EXPECT_NE(settlebridge::testing::qbxmlSchemaErrors(
                  "<?xml version=\"1.0\"?><?qbxml version=\"13.0\"?><QBXML><QBXMLMsgsRq>"
                  "<ItemQueryRq requestID=\"1\"/></QBXMLMsgsRq></QBXML>"),
              "")
        << "onError is required";
}

}  // namespace
}  // namespace settlebridge::posting
