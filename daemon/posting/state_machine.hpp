#pragma once
// The document state machine. Pure functions: each takes a document, checks the transition is allowed and
// returns the document in its new state. Nothing here touches the store; callers save the result in the same
// transaction as whatever else the step changes.
//
//   held ──approve──▶ queued ──send──▶ sent ──response OK──▶ posted
//     ▲                │  ▲             │ │
//     │ closed period  │  │ not found / │ └─error──▶ failed ──retry──▶ queued
//     └────────────────┘  └─lock retry──┘
//
// queued → posted and queued → failed also happen without a send: a document that must be verified first
// (verifyFirst) is found in QuickBooks by its RefNumber, or cannot be rendered at all.
// posted is final. docs/POSTING.md explains each edge.

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "daemon/domain/records.hpp"

namespace settlebridge::posting {

using domain::Cents;
using domain::DocState;
using domain::Document;
using domain::Timestamp;

/// A transition the state machine does not allow (a bug, or a stale admin action).
class InvalidTransition : public std::runtime_error {
public:
    InvalidTransition(DocState from, DocState to, const std::string& why);
};

bool canTransition(DocState from, DocState to) noexcept;

/// What QuickBooks said about a document.
struct QbResult {
    std::string txnId;
    std::string txnDate;
    std::optional<common::Cents> total;
    std::optional<int> statusCode;
    std::string statusMessage;
};

/// held|queued → held (reason: "testing", "unreconciled", "closed-period", ...; message for people).
Document hold(Document doc, std::string_view reason, std::string_view message, Timestamp now);
/// held → queued.
Document approve(Document doc, Timestamp now);
/// queued → sent: committed before the request leaves. Counts the attempt.
Document markSent(Document doc, std::int64_t sessionId, Timestamp now);
/// sent|queued → posted with QuickBooks' TxnID, TxnDate and total (queued: found by a verification query).
Document markPosted(Document doc, const QbResult& result, std::int64_t sessionId, Timestamp now);
/// sent|queued → failed, keeping QuickBooks' code and message and our own explanation.
Document markFailed(Document doc, const QbResult& result, std::string_view explanation, std::int64_t sessionId,
                    Timestamp now);
/// sent|queued → failed, needing a person to check QuickBooks (`reason`: "answered" — QuickBooks answered the add but
/// neither the answer nor a query shows the document; "resend-limit" — sent too often without an answer). Such a
/// document is never sent again by the planner; retry() is the person's decision.
Document needsChecking(Document doc, std::string_view reason, std::string_view explanation, std::int64_t sessionId,
                       Timestamp now);
/// sent → queued: not found in QuickBooks (safe to add again), or a lock to retry after `retryAfter`.
Document requeue(Document doc, Timestamp retryAfter, std::string_view note, std::int64_t sessionId, Timestamp now);
/// failed → queued. A document whose add was ever sent is verified in QuickBooks before it is added again. Clears
/// the re-send count and the needs-checking reason (a person decided).
Document retry(Document doc, Timestamp now);

}  // namespace settlebridge::posting
