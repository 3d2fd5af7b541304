#include "daemon/posting/state_machine.hpp"

namespace settlebridge::posting {

namespace {

std::string describe(DocState from, DocState to, const std::string& why) {
    std::string text = "a document cannot go from ";
    text += domain::toString(from);
    text += " to ";
    text += domain::toString(to);
    if (!why.empty()) text += ": " + why;
    return text;
}

void require(const Document& doc, DocState to, const char* why = "") {
    if (!canTransition(doc.state, to)) throw InvalidTransition(doc.state, to, why);
}

}  // namespace

InvalidTransition::InvalidTransition(DocState from, DocState to, const std::string& why)
    : std::runtime_error(describe(from, to, why)) {}

bool canTransition(DocState from, DocState to) noexcept {
    switch (from) {
        case DocState::Held: return to == DocState::Queued || to == DocState::Held;
        case DocState::Queued:
            return to == DocState::Sent || to == DocState::Held || to == DocState::Posted || to == DocState::Failed;
        case DocState::Sent:
            return to == DocState::Posted || to == DocState::Failed || to == DocState::Queued || to == DocState::Held;
        case DocState::Failed: return to == DocState::Queued;
        case DocState::Posted: return false;
    }
    return false;
}

Document hold(Document doc, std::string_view reason, std::string_view message, Timestamp now) {
    require(doc, DocState::Held);
    doc.state = DocState::Held;
    doc.holdReason = std::string(reason);
    doc.lastError = std::string(message);
    if (doc.attempts > 0) doc.verifyFirst = true;  // a sent add may have landed: look before adding again
    doc.updatedAt = now;
    return doc;
}

Document approve(Document doc, Timestamp now) {
    require(doc, DocState::Queued, "only held documents are approved");
    if (doc.state != DocState::Held) throw InvalidTransition(doc.state, DocState::Queued, "only held documents are approved");
    doc.state = DocState::Queued;
    doc.holdReason.clear();
    doc.lastError.clear();
    doc.retryAfter = 0;
    doc.updatedAt = now;
    return doc;
}

Document markSent(Document doc, std::int64_t sessionId, Timestamp now) {
    if (doc.state != DocState::Queued) throw InvalidTransition(doc.state, DocState::Sent, "only queued documents are sent");
    doc.state = DocState::Sent;
    doc.verifyFirst = false;
    doc.attempts += 1;
    doc.addAnswer.clear();  // the answer to this add is still to come
    doc.sentAt = now;
    doc.lastSessionId = sessionId;
    doc.updatedAt = now;
    return doc;
}

Document markPosted(Document doc, const QbResult& result, std::int64_t sessionId, Timestamp now) {
    require(doc, DocState::Posted);
    if (result.txnId.empty()) throw InvalidTransition(doc.state, DocState::Posted, "no TxnID from QuickBooks");
    doc.state = DocState::Posted;
    doc.qbTxnId = result.txnId;
    doc.qbTxnDate = result.txnDate;
    doc.qbTotal = result.total;
    doc.qbStatusCode = result.statusCode;
    doc.qbStatusMessage = result.statusMessage;
    doc.lastError.clear();
    doc.holdReason.clear();
    doc.verifyFirst = false;
    doc.retryAfter = 0;
    doc.checkReason.clear();
    doc.lastSessionId = sessionId;
    doc.postedAt = now;
    doc.updatedAt = now;
    return doc;
}

Document markFailed(Document doc, const QbResult& result, std::string_view explanation, std::int64_t sessionId,
                    Timestamp now) {
    if (doc.state != DocState::Sent && doc.state != DocState::Queued) {
        throw InvalidTransition(doc.state, DocState::Failed, "only queued or sent documents fail");
    }
    doc.state = DocState::Failed;
    if (!result.txnId.empty()) doc.qbTxnId = result.txnId;
    if (!result.txnDate.empty()) doc.qbTxnDate = result.txnDate;
    if (result.total) doc.qbTotal = result.total;
    doc.qbStatusCode = result.statusCode;
    doc.qbStatusMessage = result.statusMessage;
    doc.lastError = std::string(explanation);
    doc.verifyFirst = false;
    doc.checkReason.clear();
    doc.lastSessionId = sessionId;
    doc.updatedAt = now;
    return doc;
}

Document needsChecking(Document doc, std::string_view reason, std::string_view explanation, std::int64_t sessionId,
                       Timestamp now) {
    const std::optional<int> code = doc.qbStatusCode;
    const std::string message = doc.qbStatusMessage;
    doc = markFailed(std::move(doc), QbResult{"", "", std::nullopt, code, message}, explanation, sessionId, now);
    doc.checkReason = std::string(reason);
    return doc;
}

Document requeue(Document doc, Timestamp retryAfter, std::string_view note, std::int64_t sessionId, Timestamp now) {
    if (doc.state != DocState::Sent && doc.state != DocState::Queued) {
        throw InvalidTransition(doc.state, DocState::Queued, "only sent documents go back to the queue");
    }
    doc.state = DocState::Queued;
    doc.verifyFirst = false;
    doc.retryAfter = retryAfter;
    doc.lastError = std::string(note);
    doc.lastSessionId = sessionId;
    doc.updatedAt = now;
    return doc;
}

Document retry(Document doc, Timestamp now) {
    if (doc.state != DocState::Failed) throw InvalidTransition(doc.state, DocState::Queued, "only failed documents are retried");
    doc.state = DocState::Queued;
    doc.verifyFirst = doc.attempts > 0 || !doc.qbTxnId.empty();
    doc.retryAfter = 0;
    doc.lastError.clear();
    // A person decided: the count of re-sends starts again, and an earlier answer no longer stops a re-send.
    doc.checkReason.clear();
    doc.addAnswer.clear();
    doc.resends = 0;
    doc.updatedAt = now;
    return doc;
}

}  // namespace settlebridge::posting
