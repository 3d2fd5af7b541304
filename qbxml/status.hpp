#pragma once
// QuickBooks status codes in plain words, and what the posting queue should do about them.
//
// Codes and messages: shared/research/qbwc.md §9.5 and §10 (Intuit's status-code table for 0..3031, QuickBooks'
// own messages as captured by peers for 3100+). QuickBooks reuses some codes for different situations (3180 is
// "someone else is editing this list" but also "the credit limit is exceeded"), so the message text decides where
// the code alone cannot.

#include <string>
#include <string_view>

namespace settlebridge::qbxml {

enum class StatusClass {
    ok,                ///< done (0), or a query that found nothing (1) or another informational status (1..499)
    warning,           ///< done, but QuickBooks warns (500..999, e.g. 500 "some of the names were not found")
    retryLater,        ///< 3170/3175/3176/3180 whose message says a record or list is in use or locked
    closedPeriod,      ///< the document is dated on or before the company's closing date
    duplicate,         ///< 3100: a list entry with that name already exists
    invalidReference,  ///< 3140 (and 3120): the request names an item, account, customer... that does not exist
    fatal,             ///< anything else: QuickBooks refused the request; retrying will not help
};
std::string_view toString(StatusClass kind) noexcept;

struct StatusInfo {
    StatusClass kind = StatusClass::fatal;
    /// For the bookkeeper: what happened and what to do, followed by QuickBooks' own message (code and text).
    std::string explanation;
};

/// Classifies and explains a qbXML status (statusCode, statusMessage of an *Rs).
StatusInfo classifyStatus(int statusCode, std::string_view statusMessage);

/// Explains an HRESULT the Web Connector passes (receiveResponseXML `hresult`, connectionError), e.g. "0x80040400",
/// followed by the Web Connector's message.
std::string explainHresult(std::string_view hresult, std::string_view message);

}  // namespace settlebridge::qbxml
