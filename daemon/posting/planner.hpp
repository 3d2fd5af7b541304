#pragma once
// The session planner: which qbXML request a Web Connector session sends next, and what each answer changes.
//
// Order within a session (docs/POSTING.md):
//   1. the company's preferences (from the first call's host/company/preferences answer, or a PreferencesQuery);
//   2. lookups: every document whose fate is unknown (state `sent`: a response was lost or the daemon died; or
//      queued with verifyFirst) is looked up in QuickBooks by its RefNumber before anything else: found → posted,
//      not found → queued again;
//   3. prerequisites of the documents ready to post: the clearing (and transfer) account, the customer, every
//      item (batched ItemQuery), then AccountAdd / CustomerAdd / ItemNonInventoryAdd / ItemOtherChargeAdd for what
//      is missing (or the configured fallback item); what QuickBooks knows is cached per company;
//   4. the documents, in order; a refund payment only once its credit memo is posted (it applies the memo's TxnID).
// A document is marked `sent` in the same transaction that records the pending request, and that transaction
// commits before the request is handed to the Web Connector. Every method works inside the caller's transaction
// (store::Tx), so the caller decides what commits together.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/posting/decode_cache.hpp"
#include "daemon/domain/records.hpp"
#include "daemon/store/store.hpp"

namespace settlebridge::posting {

struct PlannerOptions {
    std::size_t maxNamesPerQuery = 50;     // names per ItemQuery/AccountQuery/CustomerQuery
    int maxAutoRetries = 2;                // re-checks of a document that failed on an invalid reference (3140)
    domain::Timestamp lockRetrySeconds = 20;   // wait before re-sending a document QuickBooks found locked
    int maxLockRetriesPerSession = 3;      // then the document waits for a later session...
    domain::Timestamp lockDeferSeconds = 900;  // ...at least this long
    int maxResends = 3;                    // adds sent again after "not found" (lost answers); then a person checks
    int maxIdleRequests = 20;              // answers in a row that move nothing forward before a session ends
};

/// The first sendRequestXML of a session: what the Web Connector reported.
struct SessionStartInput {
    std::string hcpResponse;      // HostQuery/CompanyQuery/PreferencesQuery answers ("" if not sent)
    std::string companyFileName;
    int qbxmlMajor = 0;
    int qbxmlMinor = 0;
    std::string qbxmlCountry;     // the QuickBooks edition's country ("US", "CA", "UK"); HostRet's wins when present
};

struct SessionStartResult {
    bool accepted = true;
    std::string message;          // why the session was refused (for getLastError)
};

/// A request to hand to the Web Connector.
struct Request {
    std::string qbxml;
    std::string requestId;
    domain::PendingKind kind = domain::PendingKind::None;
    std::string what;             // for logs: "SalesReceiptAdd R: AYUTBXPHR0"
};

/// What an answer did to the session.
struct ResponseOutcome {
    bool error = false;           // receiveResponseXML returns a negative number; getLastError explains
    std::string message;          // the explanation (also kept as the session's last error)
};

/// Closing summary of a session.
struct SessionReport {
    int posted = 0;
    int receipts = 0;
    int creditMemos = 0;
    int refunds = 0;
    int transfers = 0;
    std::vector<std::string> failed;   // one line per failed document
    std::vector<std::string> checking; // one line per document that needs a person to check QuickBooks
    std::vector<std::string> held;     // one line per document held in this session
    std::vector<std::string> blocked;  // prerequisites that failed (documents waiting for them)
    std::string notice;                // said first: "The previous sync was interrupted ...; resumed."
    std::string stopped;               // why the session ended before its work was done
    std::string text() const;          // "Posted 3 documents (2 sales receipts, 1 credit memo); 1 failed: ..."
};

/// Work waiting for a company (for authenticate: "none" when there is nothing to do).
struct PendingWork {
    int documents = 0;                       // documents a session would act on now
    std::optional<domain::Timestamp> nextAt;  // earliest time a waiting document becomes ready (lock retries)
};

class Planner {
public:
    explicit Planner(PlannerOptions options = {})
        : options_(options), cache_(std::make_shared<DecodeCache>()) {}

    /// First call of a session: chooses the qbXML version (refusing QuickBooks older than 2014 / qbXML 13.0),
    /// checks the company file is the one this company was set up with (FileID), reads the preferences
    /// (multicurrency, sales tax, closing date) and re-queues documents that failed on an invalid reference so
    /// their references are checked again. Saves the session and the company.
    SessionStartResult start(store::Tx& tx, domain::WcSession& session, const SessionStartInput& input,
                             domain::Timestamp now) const;

    /// The next request, with every state change it implies saved (documents → sent, the pending request).
    /// nullopt when nothing more can be done in this session. A request still pending (its answer never came)
    /// is treated as lost first (see interrupt()).
    std::optional<Request> next(store::Tx& tx, domain::WcSession& session, domain::Timestamp now) const;

    /// Applies QuickBooks' answer to the pending request. Saves everything it changes.
    ResponseOutcome apply(store::Tx& tx, domain::WcSession& session, std::string_view response,
                          domain::Timestamp now) const;

    /// The pending request's answer will never come (an HRESULT instead of a response, connectionError, an
    /// out-of-sequence call, a new session). A document add stays `sent`, so it is looked up before it is ever
    /// sent again; list adds are queried again. With `notProcessed` (QuickBooks could not even parse the
    /// request, HRESULT 0x80040400) a pending document add failed for certain and is marked failed.
    void interrupt(store::Tx& tx, domain::WcSession& session, std::string_view why, bool notProcessed,
                   domain::Timestamp now) const;

    /// Percent done for receiveResponseXML: 100 when no request is left for this session, else 1..99. Also
    /// sets `waiting` when the only work left is a document to retry within a few seconds (NoOp).
    int progress(store::Tx& tx, const domain::WcSession& session, domain::Timestamp now, bool* waiting = nullptr) const;

    /// True when the session's last answers moved nothing forward (PlannerOptions::maxIdleRequests): next() hands
    /// out nothing more and the summary says why.
    bool stalled(const domain::WcSession& session) const noexcept;
    /// What the summary says about a stalled session.
    std::string stalledMessage() const;

    /// Documents a new session would act on, and when waiting documents become ready.
    PendingWork pendingWork(store::Tx& tx, std::int64_t companyId, domain::Timestamp now) const;

    SessionReport report(store::Tx& tx, const domain::WcSession& session) const;

    const PlannerOptions& options() const noexcept { return options_; }
    /// What the planner decoded and reused (stored summaries, document payloads); shared by copies of it.
    DecodeCache::Stats cacheStats() const { return cache_->stats(); }

private:
    PlannerOptions options_;
    std::shared_ptr<DecodeCache> cache_;  // an optimisation only: the store stays the truth
};

}  // namespace settlebridge::posting
