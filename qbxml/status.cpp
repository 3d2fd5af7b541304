#include "qbxml/status.hpp"

#include <algorithm>
#include <initializer_list>
#include <string>
#include <utility>

#include "daemon/common/text.hpp"

namespace settlebridge::qbxml {
namespace {

bool containsAny(const std::string& haystack, std::initializer_list<std::string_view> needles) {
    return std::any_of(needles.begin(), needles.end(),
                       [&](std::string_view needle) { return haystack.find(needle) != std::string::npos; });
}

/// "a list or record is locked or in use" in QuickBooks' wording (QBPHP Errors.php phrases and variants).
bool saysLockedOrInUse(const std::string& message) {
    return containsAny(message, {"modified by another user", "could not be locked", "acquire the lock",
                                 "is in use", "in use by another", "being used by another", "locked by another",
                                 "is locked", "record is busy"});
}

bool saysClosingDate(const std::string& message) {
    return containsAny(message, {"closing date", "closed period", "period is closed", "books are closed"});
}

struct Known {
    int code;
    StatusClass kind;
    const char* text;
};

// Plain-words explanations by code. Classification of 3170/3175/3176/3180 and closing-date messages is refined in
// classifyStatus() from the message.
constexpr Known kKnown[] = {
    {0, StatusClass::ok, "QuickBooks accepted the request."},
    {1, StatusClass::ok, "QuickBooks found nothing matching the query."},
    {500, StatusClass::warning,
     "QuickBooks could not find some of the names asked for; it returned the ones it found."},
    {501, StatusClass::warning, "QuickBooks could not return an object because this qbXML version lacks its type."},
    {510, StatusClass::warning, "QuickBooks could not return some of the objects asked for."},
    {530, StatusClass::warning, "QuickBooks ignored a field this edition or version does not support."},
    {531, StatusClass::warning, "QuickBooks ignored a value this edition or version does not support."},
    {550, StatusClass::warning, "QuickBooks saved the record but not its notes."},
    {560, StatusClass::warning, "QuickBooks used a field that is deprecated."},
    {570, StatusClass::warning, "QuickBooks could not link the document to a closed transaction."},
    {1000, StatusClass::fatal, "QuickBooks had an internal error while processing the request."},
    {1010, StatusClass::fatal, "QuickBooks says the system is not available to process the request."},
    {1030, StatusClass::fatal, "QuickBooks does not support this kind of request in this edition."},
    {1060, StatusClass::fatal, "QuickBooks refused the request ID (longer than 50 characters?)."},
    {3000, StatusClass::fatal, "QuickBooks refused an object ID in the request."},
    {3010, StatusClass::fatal, "QuickBooks refused a yes/no value in the request."},
    {3020, StatusClass::fatal, "QuickBooks refused a date in the request."},
    {3030, StatusClass::fatal, "QuickBooks refused a date range in the request."},
    {3031, StatusClass::fatal, "QuickBooks refused a text range in the request."},
    {3070, StatusClass::fatal,
     "A text in the document is longer than QuickBooks allows for its field (QuickBooks names the field and the "
     "text). Nothing was posted. Settlebridge checks every length before it sends, so this is a Settlebridge bug: "
     "please report it; meanwhile shorten the name in Settlebridge's mapping or settings."},
    {3100, StatusClass::duplicate,
     "An entry with this name already exists in the QuickBooks list (item, account or customer); Settlebridge uses "
     "the existing one."},
    {3120, StatusClass::invalidReference,
     "The request names a record QuickBooks cannot find (it may have been deleted)."},
    {3140, StatusClass::invalidReference,
     "The document refers to something that does not exist in QuickBooks (an item, account, customer or sales tax "
     "code). Create it in QuickBooks or map it to an existing one in Settlebridge, then post again."},
    {3170, StatusClass::fatal, "QuickBooks could not change a list entry."},
    {3171, StatusClass::closedPeriod,
     "The document is dated on or before the closing date set in QuickBooks: that period is closed."},
    {3175, StatusClass::fatal, "QuickBooks could not lock a record it needed."},
    {3176, StatusClass::fatal, "QuickBooks could not lock a record it needed."},
    {3180, StatusClass::fatal, "QuickBooks could not save the document."},
    {3200, StatusClass::fatal,
     "The record changed in QuickBooks since Settlebridge read it (edit sequence out of date)."},
    {3210, StatusClass::fatal, "QuickBooks refused a value in the document."},
    {3250, StatusClass::fatal, "This feature is not turned on or not available in this QuickBooks edition."},
    {3260, StatusClass::fatal,
     "The QuickBooks user the Web Connector logs in as lacks the permission for this. Nothing was posted. In "
     "QuickBooks, as Admin: Edit > Preferences > Integrated Applications > Company Preferences > Settlebridge > "
     "Properties: check the \"Login as\" user, and give that user (Company > Users) the right to create sales "
     "receipts, credit memos, refunds and list entries; then retry the document."},
    {3261, StatusClass::fatal,
     "The application is not allowed to use personal data (such as credit card numbers) in this company file. "
     "Nothing was posted. Settlebridge never sends such data, so report this; the right is in QuickBooks' "
     "Integrated Applications preferences (\"Allow this application to access personal data\")."},
};

const Known* findKnown(int code) {
    for (const Known& known : kKnown) {
        if (known.code == code) {
            return &known;
        }
    }
    return nullptr;
}

std::string withQuickBooksMessage(std::string text, int code, std::string_view message) {
    text += " (QuickBooks status " + std::to_string(code);
    if (!message.empty()) {
        text += ": ";
        text += message;
    }
    text += ")";
    return text;
}

}  // namespace

std::string_view toString(StatusClass kind) noexcept {
    switch (kind) {
        case StatusClass::ok: return "ok";
        case StatusClass::warning: return "warning";
        case StatusClass::retryLater: return "retryLater";
        case StatusClass::closedPeriod: return "closedPeriod";
        case StatusClass::duplicate: return "duplicate";
        case StatusClass::invalidReference: return "invalidReference";
        case StatusClass::fatal: return "fatal";
    }
    return "fatal";
}

StatusInfo classifyStatus(int statusCode, std::string_view statusMessage) {
    const std::string message = common::asciiLower(statusMessage);
    StatusInfo info;
    const Known* known = findKnown(statusCode);
    std::string text;
    if (known != nullptr) {
        info.kind = known->kind;
        text = known->text;
    } else if (statusCode > 0 && statusCode < 500) {
        info.kind = StatusClass::ok;
        text = "QuickBooks processed the request and added a note.";
    } else if (statusCode >= 500 && statusCode < 1000) {
        info.kind = StatusClass::warning;
        text = "QuickBooks processed the request with a warning.";
    } else {
        info.kind = StatusClass::fatal;
        text = "QuickBooks refused the request.";
    }

    if (statusCode >= 1000 && saysClosingDate(message)) {
        info.kind = StatusClass::closedPeriod;
        text = "The document is dated on or before the closing date set in QuickBooks: that period is closed. "
               "Settlebridge holds it; reopen the period (or change the closing date) in QuickBooks, or re-date the "
               "document, then release it.";
    } else if ((statusCode == 3170 || statusCode == 3175 || statusCode == 3176 || statusCode == 3180) &&
               saysLockedOrInUse(message)) {
        info.kind = StatusClass::retryLater;
        text = "Someone is working on the same record or list in QuickBooks right now, so QuickBooks could not "
               "save. Settlebridge tries again on the next Web Connector run.";
    } else if (statusCode == 3180 && containsAny(message, {"credit limit"})) {
        text = "QuickBooks could not save the document because the customer's credit limit would be exceeded; "
               "raise or remove the credit limit of the summary customer in QuickBooks.";
    } else if (statusCode == 3180 && containsAny(message, {"amount must be positive"})) {
        text = "QuickBooks could not save the document because its total is negative. Settlebridge moves lines so "
               "that no document it posts has a negative total, so QuickBooks must have added its own lines or tax "
               "(check the customer's and the items' sales tax settings), then retry the document.";
    } else if (statusCode == 3180 && containsAny(message, {"currency"})) {
        text = "QuickBooks could not save the document because of a currency: an account or the customer is in "
               "another currency than the document. Check the currency of the summary customer and of the "
               "clearing account in QuickBooks, then retry the document.";
    } else if (info.kind == StatusClass::closedPeriod) {
        text += " Settlebridge holds it until the period is reopened or the document re-dated.";
    }
    info.explanation = withQuickBooksMessage(std::move(text), statusCode, statusMessage);
    return info;
}

std::string explainHresult(std::string_view hresult, std::string_view message) {
    const std::string code = common::asciiLower(hresult);
    std::string text;
    if (code == "0x80040400") {
        text = "QuickBooks could not read the request Settlebridge sent (an XML error). Nothing was posted; report "
               "this as a Settlebridge bug.";
    } else if (code == "0x80040401") {
        text = "The Web Connector could not reach QuickBooks.";
    } else if (code == "0x80040402") {
        text = "QuickBooks hit an unexpected error (see qbsdklog.txt on the QuickBooks computer).";
    } else if (code == "0x80040408") {
        text = "The Web Connector could not start QuickBooks. Open QuickBooks with the company file, then run the "
               "Web Connector again.";
    } else if (code == "0x8004040d") {
        text = "QuickBooks rejected the session ticket; run the Web Connector again.";
    } else if (code == "0x80040416") {
        text = "QuickBooks is not running and no company file was named. Open QuickBooks with the company file, "
               "then run the Web Connector again.";
    } else if (code == "0x80040420") {
        text = "The QuickBooks user denied access to Settlebridge. Allow it in QuickBooks (Edit > Preferences > "
               "Integrated Applications), then run the Web Connector again.";
    } else {
        text = "The Web Connector reported an error talking to QuickBooks.";
    }
    text += " (";
    text += hresult.empty() ? std::string_view("no code") : hresult;
    if (!message.empty()) {
        text += ": ";
        text += message;
    }
    text += ")";
    return text;
}

}  // namespace settlebridge::qbxml
