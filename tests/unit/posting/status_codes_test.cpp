// Every QuickBooks refusal a document add can meet, in QuickBooks' own words (tools/quickbooks_sim answers the same
// codes and messages; tools/README.md lists where the wording is the simulator's): the code and message are
// recorded on the document, it ends where the bookkeeper expects it (failed, held or queued again), with an
// explanation in plain words, and nothing is in the ledger.

#include "daemon/posting/planner.hpp"

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/posting/posting_harness.hpp"

namespace settlebridge::posting {
namespace {

using settlebridge::testing::FakeQuickBooks;
using settlebridge::testing::PostingHarness;
using settlebridge::testing::sampleSummary;
using store::DocState;

constexpr const char* kSettlement = "23874396421";

struct Refusal {
    const char* name;
    int code;
    const char* message;
    DocState state;
    const char* holdReason;  // for a held document
    const char* explains;    // a phrase of Settlebridge's explanation (lastError)
};

std::ostream& operator<<(std::ostream& os, const Refusal& r) { return os << r.name; }

class QuickBooksRefusal : public ::testing::TestWithParam<Refusal> {};

TEST_P(QuickBooksRefusal, IsRecordedWithItsCodeAndExplained) {
    const Refusal& r = GetParam();
    PostingHarness h;
    FakeQuickBooks qb;
    qb.failNext["SalesReceiptAddRq"].push_back({r.code, "Error", r.message});
    h.import(sampleSummary(kSettlement, 0));
    auto s = h.startSession();
    h.run(s, qb);
    const auto doc = h.document(std::string(kSettlement) + ":R:0");
    EXPECT_EQ(doc.state, r.state);
    EXPECT_EQ(doc.qbStatusCode, std::optional<int>(r.code));
    EXPECT_EQ(doc.qbStatusMessage, r.message);
    if (r.state == DocState::Held) {
        EXPECT_EQ(doc.holdReason, r.holdReason);
    }
    EXPECT_NE(doc.lastError.find(r.explains), std::string::npos) << doc.lastError;
    EXPECT_TRUE(qb.ledger.empty());
    EXPECT_EQ(qb.count("SalesReceipt", doc.refNumber), 0);
}

INSTANTIATE_TEST_SUITE_P(
    Codes, QuickBooksRefusal,
    ::testing::Values(
        Refusal{"StringTooLong3070", 3070, "The string \"Amazon settlement 23874396421\" in the field \"Memo\" is too long.",
                DocState::Failed, "", "longer than QuickBooks allows"},
        Refusal{"Permission3260", 3260, "Insufficient permission level to perform this action.", DocState::Failed, "",
                "lacks the permission"},
        Refusal{"PersonalData3261", 3261, "The integrated application has no permission to access personal data.",
                DocState::Failed, "", "personal data"},
        Refusal{"InvalidCustomer3140", 3140,
                "There is an invalid reference to QuickBooks Customer \"Amazon.com\" in the SalesReceipt.  QuickBooks "
                "error message: Invalid argument.  The specified record does not exist in the list.",
                DocState::Failed, "", "does not exist in QuickBooks"},
        Refusal{"InvalidItem3140", 3140,
                "There is an invalid reference to QuickBooks Item \"Amazon Sales:SKU-1\" in the SalesReceipt line.  "
                "QuickBooks error message: Invalid argument.  The specified record does not exist in the list.",
                DocState::Failed, "", "does not exist in QuickBooks"},
        Refusal{"InvalidAccount3140", 3140,
                "There is an invalid reference to QuickBooks Account \"Amazon Clearing\" in the SalesReceipt.  "
                "QuickBooks error message: Invalid argument.  The specified record does not exist in the list.",
                DocState::Failed, "", "does not exist in QuickBooks"},
        Refusal{"CreditLimit3180", 3180,
                "There was an error when saving a SalesReceipt.  QuickBooks error message: The credit limit for the "
                "name on this transaction has been exceeded.",
                DocState::Failed, "", "credit limit"},
        Refusal{"NegativeTotal3180", 3180,
                "There was an error when saving a SalesReceipt.  QuickBooks error message: Transaction amount must "
                "be positive.",
                DocState::Failed, "", "total is negative"},
        Refusal{"Currency3180", 3180,
                "There was an error when saving a SalesReceipt.  QuickBooks error message: The currency of the "
                "deposit account \"Amazon Clearing\" (Euro) must be the currency of the customer (US Dollar) or the "
                "home currency (US Dollar).",
                DocState::Failed, "", "currency"},
        Refusal{"ListModified3180", 3180,
                "There was an error when saving a SalesReceipt.  QuickBooks error message: This list has been "
                "modified by another user.",
                DocState::Queued, "", "tries again"},
        Refusal{"ClosingDate3171", 3171,
                "An attempt was made to add a SalesReceipt with a date that is on or before the closing date of the "
                "company. If you are sure you really want to do this, please ask a user with Admin privileges to "
                "remove the password for editing transactions on or before to closing date (this setting is in the "
                "Accounting Company Preferences), then try again.",
                DocState::Held, "closed-period", "closing date"},
        Refusal{"ClosingDate3180", 3180,
                "There was an error when saving a SalesReceipt.  QuickBooks error message: The transaction date is on "
                "or before the closing date of this company file.",
                DocState::Held, "closed-period", "closing date"}),
    [](const ::testing::TestParamInfo<Refusal>& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace settlebridge::posting
