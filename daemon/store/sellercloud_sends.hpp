#pragma once
// The Sellercloud send log (schema version 4): one row per send to one Sellercloud company, and per advertised
// SKU in it the product it went to, the figures and the outcome. Shown by `settlebridge sellercloud log` and the
// admin page.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon/store/records.hpp"

namespace settlebridge::store {

class Database;

enum class SendKind { Daily, Manual, Clear };
/// "daily", "manual", "clear".
std::string_view toString(SendKind kind);
std::optional<SendKind> parseSendKind(std::string_view text);

enum class SendStatus { Running, Ok, Partial, Failed };
/// "running", "ok", "partial" (some records failed or were unmatched), "failed".
std::string_view toString(SendStatus status);
std::optional<SendStatus> parseSendStatus(std::string_view text);

enum class RecordStatus { Written, Unmatched, Ambiguous, Failed, Cleared };
/// "written", "unmatched", "ambiguous", "failed", "cleared".
std::string_view toString(RecordStatus status);
std::optional<RecordStatus> parseRecordStatus(std::string_view text);

struct SellercloudSend {
    std::int64_t id = 0;
    std::int64_t connectionId = 0;
    std::int64_t scCompanyId = 0;
    std::string scCompanyName;
    std::string profileRows;   // "3,5": the ads profiles whose spend the send carried
    std::string profiles;      // their labels, for people
    SendKind kind = SendKind::Daily;
    std::string fromDate;      // the days the send covered (inclusive, YYYY-MM-DD)
    std::string toDate;
    std::string currency;
    SendStatus status = SendStatus::Running;
    int records = 0;
    int written = 0;
    int unmatched = 0;
    int failed = 0;
    std::string message;
    Timestamp startedAt = 0;
    Timestamp finishedAt = 0;
};

struct SellercloudSendRecord {
    int seq = 0;
    std::string sku;                 // the advertised SKU
    std::string asin;
    std::string productId;           // the Sellercloud product ("" when unmatched)
    std::string rule;                // the linking rule that matched
    common::Cents cost = 0;                  // ad cost over the send's days
    common::Cents sales = 0;                 // attributed sales over the send's days
    std::optional<common::Cents> itemCost;   // the product's average cost, when Sellercloud reports one
    std::optional<common::Cents> profit;     // sales - cost - itemCost x purchases, when the item cost is known
    std::string valuesWritten;       // "AdSpend7Days=12.50; ..."
    RecordStatus status = RecordStatus::Written;
    std::string error;
};

/// Which sends the log shows: every filter given must hold (newest first; page with beforeId or offset).
struct SendFilter {
    std::optional<std::int64_t> connectionId;
    std::optional<SendStatus> status;
    std::optional<SendKind> kind;
    std::optional<std::int64_t> profileRow;   // the send carried this profile's spend
    std::string text;                         // in the profiles, the company name or the message; ASCII case ignored
    std::optional<Timestamp> since;           // started at or after
    std::optional<Timestamp> until;           // started before
    std::optional<std::int64_t> beforeId;     // paging: sends older than this id
    int offset = 0;
    int limit = 50;
};

/// Which records of one send: the outcome and a text contained in the SKU, ASIN, product or error (ASCII case
/// ignored); offset and limit page through them in send order.
struct RecordFilter {
    std::optional<RecordStatus> status;
    std::string text;
    int offset = 0;
    int limit = 100;
};

class SellercloudSends {
public:
    explicit SellercloudSends(Database& db) noexcept : db_(db) {}

    /// Inserts a send (status running); returns its id.
    std::int64_t start(const SellercloudSend& send);
    /// Writes the outcome of a send with its records (replacing any records stored for it).
    void finish(const SellercloudSend& send, const std::vector<SellercloudSendRecord>& records);
    std::optional<SellercloudSend> find(std::int64_t id);
    /// The newest `limit` sends (of one connection when given), newest first.
    std::vector<SellercloudSend> recent(std::optional<std::int64_t> connectionId, int limit);
    std::vector<SellercloudSendRecord> records(std::int64_t sendId);
    /// The sends matching `filter`, newest first, at most filter.limit of them (one query, paged in SQL).
    std::vector<SellercloudSend> search(const SendFilter& filter);
    /// The records of a send matching `filter` (its offset and limit applied), in send order.
    std::vector<SellercloudSendRecord> records(std::int64_t sendId, const RecordFilter& filter);
    /// How many records of a send match `filter` (its offset and limit ignored).
    int countRecords(std::int64_t sendId, const RecordFilter& filter);
    /// How many records of a send have each outcome (outcomes without records are left out).
    std::vector<std::pair<RecordStatus, int>> recordCounts(std::int64_t sendId);
    /// Whether a send to that company that carried the profile's spend wrote anything.
    bool hasWritten(std::int64_t connectionId, std::int64_t scCompanyId, std::int64_t profileRow);

private:
    Database& db_;
};

}  // namespace settlebridge::store
