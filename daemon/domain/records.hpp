#pragma once
// The posting domain's plain C++ records: what the store reads and writes and the posting layer works on. No SQL
// types (the store's repositories translate), nothing of the store. Below store and posting (docs/ARCHITECTURE.md).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "daemon/common/money.hpp"

namespace settlebridge::domain {

using common::Cents;

/// Seconds since the Unix epoch (UTC). Every "now" is passed in by the caller, so tests control time.
using Timestamp = std::int64_t;

// ---------------------------------------------------------------------------------------------------------
// Companies: one per QuickBooks company file / Web Connector user.

enum class CompanyMode { Testing, Live };

std::string_view toString(CompanyMode mode);
std::optional<CompanyMode> parseCompanyMode(std::string_view text);

/// Settings a user chooses for one company, and what QuickBooks told us about it.
struct Company {
    std::int64_t id = 0;
    std::string name;                            // the Web Connector user name (unique, case-insensitive)
    CompanyMode mode = CompanyMode::Testing;     // Testing: new documents are held until approved
    std::string companyFile;                     // "" = the company file open in QuickBooks
    std::string timeZone;                        // IANA zone for document dates ("" = the marketplace's)
    std::string customerName = "Amazon Summary"; // the QuickBooks customer the documents are made out to
    std::string clearingAccount = "Amazon Clearing";  // bank-type account the deposit goes through
    std::string bankAccount;                     // where the optional transfer moves the deposit to
    bool postTransfer = false;                   // post a TransferAdd clearing → bank on the deposit date
    bool autoCreateItems = true;                 // create missing items (else: fallback item or hold)
    std::string fallbackItem;                    // item used for lines whose item is missing ("" = none)
    std::string skuIncomeAccount = "Amazon Sales";  // income account of SKU items created by Settlebridge
    std::string chargeAccount = "Amazon Fees";   // default account of category (other charge) items
    std::string chargeAccountType = "Expense";   // its QuickBooks account type if it has to be created
    std::string ownerId;                         // {GUID} of our DataExt in the company file (.qwc OwnerID)
    std::string fileId;                          // {GUID} identifying the company file (.qwc FileID)
    int runEveryMinutes = 60;                    // .qwc scheduler and the "none" postpone hint
    // Learned from QuickBooks (host/company/preferences answers):
    std::string qbxmlVersion;                    // qbXML version used with this company, e.g. "13.0"
    std::string qbProduct;                       // e.g. "QuickBooks Pro 2014"
    std::optional<bool> multiCurrency;           // unknown until the first session
    std::string closingDate;                     // YYYY-MM-DD, "" = none
    std::string homeCurrency;                    // ISO code when multicurrency is on ("" = unknown)
    std::optional<bool> salesTax;                // sales tax preference on (unknown until the first session)
    std::string nonTaxableCode = "Non";          // sales tax code written on every line (sales tax on)
    int autoLiveDays = 30;                       // Testing → Live after this many days (0 = never automatically)
    Timestamp liveSince = 0;                     // when the company went Live (0 = never)
    Timestamp createdAt = 0;
    Timestamp updatedAt = 0;
};

/// The account a category's item is created with, when Settlebridge has to create the item.
struct CategoryAccount {
    std::string category;     // summary line category, e.g. "commission"
    std::string account;      // QuickBooks account full name
    std::string accountType;  // QuickBooks AccountType (Expense, Income, OtherCurrentLiability, ...)
};

// ---------------------------------------------------------------------------------------------------------
// Web Connector sessions.

enum class SessionState { Open, Closed, Expired };

std::string_view toString(SessionState state);
std::optional<SessionState> parseSessionState(std::string_view text);

/// What the session is waiting for an answer to.
enum class PendingKind {
    None,
    Preferences,    // PreferencesQuery / HostQuery (when the HCP answer was missing)
    AccountQuery,
    AccountAdd,
    CustomerQuery,
    CustomerAdd,
    ItemQuery,
    ItemAdd,
    DocumentLookup,  // query by RefNumber of a document whose fate is unknown
    DocumentAdd,
    NameQuery,       // vendors, employees and other names that have a customer name Settlebridge needs
    TaxCodeQuery,    // SalesTaxCodeQuery: the company file's sales tax codes
    CurrencyQuery,   // CurrencyQuery: exchange rates of the currencies foreign-currency documents are in
};

std::string_view toString(PendingKind kind);
std::optional<PendingKind> parsePendingKind(std::string_view text);

struct WcSession {
    std::int64_t id = 0;
    std::string ticket;            // random UUID v4
    std::int64_t companyId = 0;
    SessionState state = SessionState::Open;
    Timestamp createdAt = 0;
    Timestamp lastSeenAt = 0;
    Timestamp expiresAt = 0;       // idle expiry: lastSeenAt + the idle timeout
    Timestamp closedAt = 0;
    std::string qbxmlVersion;      // chosen on the first sendRequestXML
    std::string companyFileName;   // reported by the Web Connector
    bool preferencesRead = false;  // the company's preferences are known for this session
    bool refused = false;          // the session cannot post (QuickBooks too old, wrong company file...)
    PendingKind pendingKind = PendingKind::None;
    std::string pendingRequestId;  // requestID of the request in flight
    std::optional<std::int64_t> pendingDocumentId;
    std::string pendingNames;      // names a list query/add in flight is about, one per line
    std::string lastError;         // what getLastError returns
    int requestsSent = 0;
    int responsesReceived = 0;
    int initialWork = 0;           // documents to post when the session started (for percent done)
    int idleRequests = 0;          // answers in a row that moved nothing forward (the planner stops after a bound)
    std::string notice;            // said with the summary: "the previous sync was interrupted; resumed"
    int endedByRestart = 0;        // 1: left open by a daemon that stopped, ended by the next at its start; 2: told
};

/// Per-session notes about one name: a list element known missing, a failed add, a document skipped.
struct SessionMark {
    std::string kind;     // "item", "account", "customer", "document"
    std::string name;     // full name (or document id)
    std::string status;   // "missing", "failed", "skipped"
    std::string message;
};

// ---------------------------------------------------------------------------------------------------------
// Settlements and their summaries.

enum class SettlementState { Active, Conflict };

std::string_view toString(SettlementState state);
std::optional<SettlementState> parseSettlementState(std::string_view text);

struct SettlementRecord {
    std::int64_t id = 0;
    std::int64_t companyId = 0;
    std::string settlementId;
    std::string reportHash;       // SHA-256 hex of the raw report
    std::string sourceName;       // file name or report document id
    SettlementState state = SettlementState::Active;
    std::string note;             // why a conflict was recorded
    Timestamp importedAt = 0;
    std::optional<std::int64_t> supersededBy;  // a re-issued report replaced this one before anything was posted
};

struct SummaryRecord {
    std::int64_t settlementRow = 0;
    std::string mappingVersion;
    bool reconciled = false;
    common::Cents difference = 0;
    common::Cents deposit = 0;
    std::string currency;
    std::string summaryJson;      // the whole Summary (see summary_codec.hpp)
    Timestamp createdAt = 0;
};

// ---------------------------------------------------------------------------------------------------------
// Documents: what gets posted to QuickBooks.

enum class DocKind { Receipt, CreditMemo, RefundPayment, Transfer };
enum class DocState { Held, Queued, Sent, Posted, Failed };

std::string_view toString(DocKind kind);
std::optional<DocKind> parseDocKind(std::string_view text);
std::string_view toString(DocState state);
std::optional<DocState> parseDocState(std::string_view text);

struct Document {
    std::int64_t id = 0;
    std::int64_t companyId = 0;
    std::int64_t settlementRow = 0;
    std::string settlementId;
    DocKind kind = DocKind::Receipt;
    int part = 0;
    int seq = 0;                       // posting order within the settlement
    std::string refNumber;             // <= 11 characters ("" for transfers: QuickBooks has no RefNumber there)
    std::string externalKey;           // unique per company: "<settlement-id>:<R|C|P|T>:<part>"
    std::string externalGuid;          // {GUID} written as ExternalGUID where QuickBooks accepts one
    std::string txnDate;               // YYYY-MM-DD
    std::string customer;
    common::Cents expectedTotal = 0;
    std::string currency;
    std::string payload;               // JSON: everything needed to render the request again
    std::optional<std::int64_t> dependsOn;  // refund payment → its credit memo
    DocState state = DocState::Held;
    std::string holdReason;            // why held: "testing", "unreconciled", "closed-period", ...
    bool verifyFirst = false;          // query QuickBooks before adding (a retry of a document that may exist)
    int attempts = 0;                  // adds sent
    int autoRetries = 0;               // automatic re-queues after an invalid reference (3140)
    Timestamp retryAfter = 0;          // do not send before (lock retries)
    std::string qbTxnId;
    std::string qbTxnDate;
    std::optional<common::Cents> qbTotal;
    std::optional<int> qbStatusCode;
    std::string qbStatusMessage;
    std::string lastError;             // our own explanation (total mismatch, conflicting document...)
    std::optional<std::int64_t> lastSessionId;
    int resends = 0;                   // adds sent again after QuickBooks said "not found" (at most 3, then a person)
    std::string checkReason;           // failed and needs a person to check QuickBooks: "answered", "resend-limit"
    std::string addAnswer;             // QuickBooks' answer to the last add, in words (evidence)
    std::string lookupAnswer;          // QuickBooks' answer to the last lookup, in words (evidence)
    Timestamp createdAt = 0;
    Timestamp updatedAt = 0;
    Timestamp sentAt = 0;
    Timestamp postedAt = 0;
};

// ---------------------------------------------------------------------------------------------------------
// What QuickBooks knows (learned per company from queries and adds).

enum class ListKind { Item, Account, Customer };

std::string_view toString(ListKind kind);

struct QbListEntry {
    std::string fullName;
    std::string listId;
    std::string type;       // item type (ItemNonInventory, ItemInventory...), account type, customer currency
    Timestamp learnedAt = 0;
};

struct SkuItem {
    std::string sku;
    std::string itemName;   // full name of the QuickBooks item this SKU posts to
};

// ---------------------------------------------------------------------------------------------------------
// Event log.

enum class EventLevel { Debug, Info, Warning, Error };

std::string_view toString(EventLevel level);
std::optional<EventLevel> parseEventLevel(std::string_view text);

struct Event {
    std::int64_t id = 0;
    Timestamp at = 0;
    std::optional<std::int64_t> companyId;
    EventLevel level = EventLevel::Info;
    std::string message;
};

}  // namespace settlebridge::domain
