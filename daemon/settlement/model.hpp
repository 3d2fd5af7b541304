#pragma once
// The settlement data model shared by the parser, the summarizer, qbXML rendering and the store.
//
// The parser normalises both Amazon layouts (Flat File V2 "long" and the legacy wide flat file) into one
// stream of `Row`s shaped like V2 rows: one amount per row with transaction-type / amount-type /
// amount-description. The summarizer consumes that stream and produces a `Summary`.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/common/datetime.hpp"
#include "daemon/common/money.hpp"

namespace settlebridge::settlement {

// The vocabulary of the settlement model, from the foundation folder.
using common::Cents;
using common::UtcSeconds;

enum class Layout { FlatFileV2, FlatFileV1 };

/// The settlement's summary row (line 2 of every report).
struct SettlementHeader {
    std::string settlementId;  // 1..20 digits
    UtcSeconds startUtc = 0;
    UtcSeconds endUtc = 0;
    UtcSeconds depositUtc = 0;
    Cents totalAmount = 0;     // the deposit (negative: owed to Amazon)
    std::string currency;      // ISO 4217, e.g. "CAD"
    Layout layout = Layout::FlatFileV2;
};

/// One amount component of the settlement, normalised to the V2 shape.
/// string_views point into the parser's buffer and are valid only during the sink callback;
/// every text is valid UTF-8 (Windows-1252 input is converted).
struct Row {
    std::size_t line = 0;                 // 1-based line number in the file
    std::string_view transactionType;     // "Order", "Refund", "other-transaction", "ServiceFee", ...
    std::string_view amountType;          // "ItemPrice", "ItemFees", "Promotion", "other-transaction", ...
    std::string_view amountDescription;   // "Principal", "Commission", "Storage Fee", ...
    Cents amount = 0;
    std::string_view orderId;
    std::string_view adjustmentId;
    std::string_view orderItemCode;
    std::string_view sku;
    std::string_view marketplaceName;
    std::string_view fulfillmentId;       // AFN / MFN
    UtcSeconds postedUtc = 0;             // posted-date-time (V2) or posted-date (V1); 0 when absent
    /// Units this row stands for in per-SKU counts: set only on the row that carries an ordered or
    /// refunded item's principal (V2 repeats quantity-purchased on every fee row; the V1 layout puts it on a
    /// row of its own, which the parser folds into the item's Principal row). 0 = not given.
    std::int64_t quantity = 0;
};

/// Receives the parse as it streams. Called: onHeader once, then onRow for each amount component.
class RowSink {
public:
    virtual ~RowSink() = default;
    virtual void onHeader(const SettlementHeader& header) = 0;
    virtual void onRow(const Row& row) = 0;
};

/// Bad input: names the file, the 1-based line and column (0 when not applicable) and the field.
class ParseError : public std::runtime_error {
public:
    ParseError(std::string file, std::size_t line, std::size_t column, std::string field, const std::string& message);
    const std::string& file() const noexcept { return file_; }
    std::size_t line() const noexcept { return line_; }
    std::size_t column() const noexcept { return column_; }
    const std::string& field() const noexcept { return field_; }
    const std::string& detail() const noexcept { return detail_; }

private:
    std::string file_;
    std::size_t line_;
    std::size_t column_;
    std::string field_;
    std::string detail_;
};

// ---------------------------------------------------------------------------------------------------------
// The summary: what the summarizer makes of one settlement.

enum class DocumentKind { SalesReceipt, CreditMemo };

/// What a line stands for. Product lines carry a SKU; every other line is a category.
struct SummaryLine {
    std::string category;      // category key, e.g. "product", "commission", "fba-fulfilment", "unmapped"
    std::string sku;           // product lines only
    std::string item;          // QuickBooks item full name the line posts to (from the mapping / SKU naming)
    std::string description;   // readable text for the QuickBooks line (the SKU is kept here for product lines)
    std::int64_t quantity = 0; // product lines: units counted once per ordered item; 0 = not given
    Cents amount = 0;          // signed, in the document's own sense (see docs/ACCOUNTING.md)
    std::size_t rows = 0;      // report rows that landed on this line
};

/// One QuickBooks document (sales receipt or credit memo) of one part of a settlement.
struct SummaryDocument {
    DocumentKind kind = DocumentKind::SalesReceipt;
    int part = 0;              // 0-based month part (0 when the settlement is not split)
    std::string refNumber;     // <= 11 chars, deterministic per settlement + kind + part
    std::string externalKey;   // "<settlement-id>:<R|C>:<part>"
    std::string txnDate;       // YYYY-MM-DD in the company's time zone
    std::string memo;          // carries the full settlement id and the external key
    std::vector<SummaryLine> lines;
    Cents total() const;
};

/// A month part (a single part when the settlement is not split).
struct SummaryPart {
    int index = 0;
    std::string month;         // YYYY-MM
    std::string txnDate;       // month's last day, or the settlement end for the last part
    Cents net = 0;             // what this part moves the clearing account by
};

struct UnmappedCombination {
    std::string transactionType;
    std::string amountType;
    std::string amountDescription;
    std::size_t rows = 0;
    Cents amount = 0;
    std::size_t firstLine = 0;
};

/// A payout the bank returned, as Amazon puts it back in a later settlement ("Failed disbursement" rows), per day.
struct ReturnedPayout {
    std::string date;          // YYYY-MM-DD posted date in the company's zone (the settlement end when undated)
    Cents amount = 0;          // sum of that day's rows (positive: the payout is put back)
};

struct Summary {
    SettlementHeader header;
    std::string marketplaceName;     // first non-empty marketplace-name seen
    std::string timeZone;            // IANA zone the dates were computed in
    std::string customerName;        // QuickBooks customer, e.g. "Amazon Summary"
    std::string depositDate;         // YYYY-MM-DD in the company's time zone (for the optional transfer)
    std::vector<SummaryPart> parts;
    std::vector<SummaryDocument> documents;
    std::vector<UnmappedCombination> unmapped;
    std::size_t rowCount = 0;        // amount rows read
    Cents rowsTotal = 0;             // sum of every row's amount
    Cents documentsNet = 0;          // sum over documents: receipts minus credit memos
    bool reconciled = false;         // documentsNet == header.totalAmount (and rowsTotal too)
    Cents difference = 0;            // header.totalAmount - rowsTotal
    bool grossMode = false;          // fees left out: documents do not match the deposit
    std::string mappingVersion;      // version of the category mapping used
    std::vector<std::string> notes;  // human-readable remarks (e.g. why a document moved)
    /// The account Amazon's carried balances post to (Mapping::carriedBalanceAccount()); a negative settlement's
    /// documents deposit to and refund from it instead of the clearing account (docs/ACCOUNTING.md section 14).
    std::string carriedBalanceAccount = "Amazon Reserved Balances";
    std::vector<ReturnedPayout> returnedPayouts;  // "Failed disbursement" rows per day, in date order
    bool taxRegistered = false;      // tax on Amazon's fees went to fee-tax-recoverable (SummarizeOptions)

    /// A negative total is booked through the carried-balance account, every month part of it.
    bool throughCarriedBalance() const noexcept { return header.totalAmount < 0; }
};

}  // namespace settlebridge::settlement
