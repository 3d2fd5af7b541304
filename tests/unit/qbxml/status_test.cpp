#include "qbxml/status.hpp"

#include <gtest/gtest.h>

#include <string>

namespace settlebridge::qbxml {
namespace {

StatusClass kindOf(int code, const std::string& message = {}) {
    return classifyStatus(code, message).kind;
}

TEST(StatusTest, SuccessAndInformation) {
    EXPECT_EQ(kindOf(0, "Status OK"), StatusClass::ok);
    EXPECT_EQ(kindOf(1, "A query request did not find a matching object in QuickBooks"), StatusClass::ok);
    EXPECT_EQ(kindOf(42), StatusClass::ok);
    EXPECT_NE(classifyStatus(1, "").explanation.find("found nothing"), std::string::npos);
}

TEST(StatusTest, Warnings) {
    EXPECT_EQ(kindOf(500, "The query request has not been fully completed."), StatusClass::warning);
    EXPECT_EQ(kindOf(530), StatusClass::warning);
    EXPECT_EQ(kindOf(999), StatusClass::warning);
}

TEST(StatusTest, LocksAreRetriedOnlyWhenTheMessageSaysSo) {
    const std::string modified = "There was an error when saving a SalesReceipt.  QuickBooks error message: This list "
                                 "has been modified by another user.";
    for (const int code : {3170, 3175, 3176, 3180}) {
        EXPECT_EQ(kindOf(code, modified), StatusClass::retryLater) << code;
        EXPECT_EQ(kindOf(code, "QuickBooks error message: The internals could not be locked."),
                  StatusClass::retryLater);
        EXPECT_EQ(kindOf(code, "Failed to acquire the lock"), StatusClass::retryLater);
        EXPECT_EQ(kindOf(code, "The list element is in use by another user"), StatusClass::retryLater);
        EXPECT_EQ(kindOf(code, "Something else went wrong"), StatusClass::fatal) << code;
    }
    const StatusInfo credit =
        classifyStatus(3180, "There was an error when saving a SalesReceipt. QuickBooks error message: The credit "
                             "limit for this customer has been exceeded.");
    EXPECT_EQ(credit.kind, StatusClass::fatal);
    EXPECT_NE(credit.explanation.find("credit limit"), std::string::npos);
    // The same wording with another code is not a lock.
    EXPECT_EQ(kindOf(3210, modified), StatusClass::fatal);
    EXPECT_NE(classifyStatus(3180, modified).explanation.find("tries again"), std::string::npos);
}

TEST(StatusTest, ClosedPeriod) {
    const std::string message = "There was an error when saving a SalesReceipt.  QuickBooks error message: The "
                                "transaction date is on or before the closing date of this company file.";
    EXPECT_EQ(kindOf(3180, message), StatusClass::closedPeriod);
    EXPECT_EQ(kindOf(3171, "An attempt was made to modify a SalesReceipt dated on or before the closing date"),
              StatusClass::closedPeriod);
    EXPECT_EQ(kindOf(3171), StatusClass::closedPeriod);
    EXPECT_NE(classifyStatus(3180, message).explanation.find("closing date"), std::string::npos);
    EXPECT_EQ(kindOf(0, "closing date"), StatusClass::ok);  // a success is never reclassified
}

TEST(StatusTest, DuplicatesInvalidReferencesAndFatalErrors) {
    EXPECT_EQ(kindOf(3100, "The name \"Amazon Fees\" of the list element is already in use."),
              StatusClass::duplicate);
    EXPECT_EQ(kindOf(3140, "There is an invalid reference to QuickBooks Item \"X\" in the SalesReceipt line."),
              StatusClass::invalidReference);
    EXPECT_EQ(kindOf(3120, "Object \"1A-1\" specified in the request cannot be found."),
              StatusClass::invalidReference);
    for (const int code : {1000, 1060, 3000, 3020, 3200, 3210, 3250, 3260, 9001, -1}) {
        EXPECT_EQ(kindOf(code, "whatever"), StatusClass::fatal) << code;
    }
}

TEST(StatusTest, ExplanationsCarryQuickBooksCodeAndMessage) {
    const StatusInfo info = classifyStatus(3140, "There is an invalid reference to QuickBooks Item \"Fees:FBA\".");
    EXPECT_NE(info.explanation.find("does not exist in QuickBooks"), std::string::npos) << info.explanation;
    EXPECT_NE(info.explanation.find("(QuickBooks status 3140: There is an invalid reference"), std::string::npos);
    EXPECT_EQ(classifyStatus(0, "").explanation, "QuickBooks accepted the request. (QuickBooks status 0)");
    EXPECT_EQ(toString(StatusClass::retryLater), "retryLater");
    EXPECT_EQ(toString(StatusClass::invalidReference), "invalidReference");
}

TEST(StatusTest, TooLongPermissionsAndOther3180sInPlainWords) {
    const StatusInfo tooLong = classifyStatus(3070, "The string \"x\" in the field \"Memo\" is too long.");
    EXPECT_EQ(tooLong.kind, StatusClass::fatal);
    EXPECT_NE(tooLong.explanation.find("longer than QuickBooks allows"), std::string::npos) << tooLong.explanation;
    EXPECT_NE(tooLong.explanation.find("in the field \"Memo\""), std::string::npos) << tooLong.explanation;
    const StatusInfo denied = classifyStatus(3260, "Insufficient permission level to perform this action.");
    EXPECT_EQ(denied.kind, StatusClass::fatal);
    EXPECT_NE(denied.explanation.find("Integrated Applications"), std::string::npos) << denied.explanation;
    EXPECT_NE(classifyStatus(3261, "").explanation.find("personal data"), std::string::npos);
    EXPECT_NE(classifyStatus(3180, "There was an error when saving a SalesReceipt.  QuickBooks error message: "
                                   "Transaction amount must be positive.")
                  .explanation.find("total is negative"),
              std::string::npos);
    EXPECT_NE(classifyStatus(3180, "QuickBooks error message: The currency of the deposit account").explanation.find(
                  "currency"),
              std::string::npos);
}

TEST(StatusTest, ExplainsWebConnectorHresults) {
    EXPECT_NE(explainHresult("0x80040400", "QuickBooks found an error when parsing the provided XML text stream.")
                  .find("could not read the request"),
              std::string::npos);
    EXPECT_NE(explainHresult("0x80040408", "Could not start QuickBooks.").find("Open QuickBooks"), std::string::npos);
    EXPECT_NE(explainHresult("0X8004040D", "").find("ticket"), std::string::npos);
    const std::string other = explainHresult("0x8000FFFF", "Catastrophic failure");
    EXPECT_NE(other.find("(0x8000FFFF: Catastrophic failure)"), std::string::npos) << other;
}

}  // namespace
}  // namespace settlebridge::qbxml
