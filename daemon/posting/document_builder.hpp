#pragma once
// Summary → the documents to post: per part a sales receipt and a credit memo (as the summary has them), the
// refund payment that pays each credit memo out of the clearing account, and the optional transfer of the
// deposit to the bank. Pure: no store access.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "daemon/settlement/model.hpp"
#include "daemon/domain/records.hpp"

namespace settlebridge::posting {

/// A document to insert, and (for a refund payment) the index of the credit memo it pays in the same vector.
struct PlannedDocument {
    domain::Document document;
    std::optional<std::size_t> dependsOnIndex;
};

/// Payload "type" values (what the planner renders the document from).
inline constexpr const char* kPayloadSummary = "summary";    // a summary document, by external key
inline constexpr const char* kPayloadRefund = "refund";      // the refund of the credit memo with "creditMemoKey"
inline constexpr const char* kPayloadTransfer = "transfer";  // the deposit, clearing → "to"
/// A payout the bank returned (summary.returnedPayouts[returnedIndex]): bank "to" → the carried-balance account.
inline constexpr const char* kPayloadReturned = "returned";
/// Payload "sentForm" of a transfer sent as a DepositAdd (a foreign-currency deposit's move to the bank, or a
/// returned foreign payout's move back to the carried-balance account; "" = a TransferAdd).
inline constexpr const char* kSentAsDeposit = "deposit";

/// The documents of one settlement for `company`, in posting order (seq), all in the initial state. With the transfer
/// option on, a settlement paid out gets a transfer of its deposit to the bank, and each day of "Failed disbursement"
/// rows that put a returned payout back gets a transfer from the bank back to the carried-balance account (the one
/// that moved the returned payout to the bank is undone; docs/ACCOUNTING.md section 14).
///   held ("testing") when the company is in Testing mode; held ("unreconciled") when the summary does not
///   reconcile; otherwise queued. A document QuickBooks could never accept (qbXML render check) is failed at
///   once with the reason. `summary.customerName` must be set.
std::vector<PlannedDocument> buildDocuments(const settlement::Summary& summary, const domain::Company& company,
                                            std::int64_t settlementRow, domain::Timestamp now);

/// The fields of a document payload.
struct Payload {
    std::string type;
    std::string externalKey;    // summary: the SummaryDocument; refund: the credit memo's key
    std::string transferTo;     // transfer: the bank account
    // The names the add used, recorded when it is sent (the customer and accounts of a document can depend on the
    // company file's currency, docs/POSTING.md): a lookup after a lost answer matches on them. "" = not sent yet.
    std::string sentCustomer;
    std::string sentAccount;        // the clearing account (deposit to, refund from, transfer from)
    std::string sentTransferTo;     // transfer: the bank account
    int returnedIndex = -1;         // returned: the index in summary.returnedPayouts
    std::string sentForm;           // transfer, returned: kSentAsDeposit when sent as a DepositAdd, "" a TransferAdd
};
std::string encodePayload(const Payload& payload);
/// Throws std::runtime_error for a payload this version did not write.
Payload decodePayload(const std::string& json);

}  // namespace settlebridge::posting
