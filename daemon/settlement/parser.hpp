#pragma once
// Streaming parser for Amazon settlement flat files (tab-separated), both layouts:
//   - Flat File V2 (`GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2`, 23-24 columns, one amount per row with
//     amount-type / amount-description / amount);
//   - the legacy wide flat file "V1" (`GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE`, 33 or 36 columns, several
//     amount columns per row).
// The layout is detected from the header line; columns are found by name (order free, unknown columns ignored,
// optional columns may be missing). Both layouts come out as the same stream of V2-shaped `Row`s.
//
// V1 normalisation: one Row per non-empty amount column of a V1 line, in this order (exact strings):
//   column(s)                                      transaction-type   amount-type            amount-description
//   price-type / price-amount                      (V1's)             "ItemPrice"            price-type
//   item-related-fee-type / -amount                (V1's)             "ItemFees"             fee type
//     ... when the fee type is `Cost of Advertising` (V1 ServiceFee lines), as V2 writes ads:
//                                                  (V1's)             "Cost of Advertising"  "TransactionTotalAmount"
//   shipment-fee-type / -amount                    (V1's)             "ShipmentFees"         fee type
//   order-fee-type / -amount                       (V1's)             "OrderFees"            fee type
//   promotion-type / -amount                       (V1's)             "Promotion"            promotion type
//   misc-fee-amount                                (V1's)             "MiscFees"             "MiscFee"
//   other-fee-amount                               (V1's)             "OtherFees"            other-fee-reason-description
//                                                                     (ads tax: ServiceFee / OtherFees / TaxAmount)
//   direct-payment-type / -amount                  (V1's)             "DirectPayment"        payment type
//   other-amount (account-level events)            "other-transaction" "other-transaction"   V1 transaction-type
//                                                  (`Storage Fee`, `Payable to Amazon`, `Successful charge`,
//                                                   `Micro Deposit`, `WAREHOUSE_DAMAGE`, `REVERSAL_REIMBURSEMENT`,
//                                                   `Subscription Fee`, `Inbound Transportation Fee`, ...)
// A V1 line with no amount at all emits nothing (the quantity rows, below). The other fields (order-id,
// adjustment-id, order-item-code, sku, marketplace-name, fulfillment-id, posted-date) are copied to every Row
// of the line. All of a line's amounts are read before any of its Rows is delivered.
//
// Quantity (Row::quantity) is set only on the ItemPrice/Principal row of an Order or Refund item:
//   V2 repeats quantity-purchased on every row of an item; only the Principal row keeps it.
//   V1 writes it on an amount-less row before the item's rows (same transaction-type and order-item-code); it
//   is folded into that item's Principal row (a Principal line with its own quantity keeps that one). A
//   quantity whose item never shows a Principal row (a reimbursement, say) is dropped: no sale is invented and
//   no money is lost. V1 refunds carry no quantity (0). At most 64 quantities wait at once (oldest dropped).
//
// Posted time: posted-date-time when the column is there and filled (V2), else posted-date (V1's ISO
// date-time, or V2's date-only `26.05.2026`, read as midnight UTC); 0 when both are empty. An unreadable
// posted-date is not looked at when posted-date-time is filled.
//
// Summary row: the first non-blank line after the header must carry settlement-start-date or total-amount
// (normally line 2); settlement-id (1-20 digits), the three dates, total-amount and currency (3 letters,
// upper-cased) are required there. Every later row must carry the same settlement-id. A total-amount repeated
// on a transaction row is ignored (never summed).
//
// Text: UTF-8 BOM skipped; CRLF or LF; blank lines (nothing but blanks and tabs) are not rows; blanks around
// cells and trailing tabs ignored; a text field that is not valid UTF-8 is read as Windows-1252 and converted, so
// every string_view handed to the sink is valid UTF-8.
//
// What the bytes are, decided from the first bytes (losslessly, while streaming):
//   - gzip (1f 8b: the compression SP-API report documents use), several members too: inflated;
//   - UTF-16 with a BOM (LE: Excel's "Unicode text"; BE), or without one when the first characters are ASCII
//     (x 00 x 00 / 00 x 00 x): converted to UTF-8 (surrogate pairs joined; a lone surrogate is refused);
//   - a zip archive / Excel workbook (.xlsx, .xls): refused, saying what to download instead.
// A comma- or semicolon-separated header (a spreadsheet's CSV re-save) is refused with what happened and what
// to do, and so is an id in scientific notation (3.04E+13: Excel's rendering of a long number).
//
// Files cut short: every row must have at least as many fields as the header has columns (trailing tabs count);
// a shorter row, compressed data that ends early, UTF-16 that ends inside a character, or a last line without
// its line end whose last value cannot be read, is refused with "the file looks cut off at line N: download it
// again". A second header line (two reports pasted into one file) is refused as such.
//
// Streaming: one pass over the input, memory bounded by the longest line (not by the file), no per-row heap
// allocation once buffers have grown (a Windows-1252 field is converted into a reused per-column buffer).
// Tabs are found 16 bytes at a time with SSE2 where available (x86-64), byte by byte elsewhere.
//
// Errors: bad input throws ParseError naming the file, the 1-based line and column (the field's 1-based index
// in the line, 0 when not about one field) and the field name. After a ParseError the sink receives nothing
// more, but it may already have received the header and some rows: a caller must treat a throw as "discard
// everything this parse delivered" (the summarizer does).

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>

#include "daemon/settlement/model.hpp"

namespace settlebridge::settlement {

/// How many bytes the parser reads at a time (and the initial size of its line buffer).
inline constexpr std::size_t kParserChunkSize = std::size_t{1} << 20;

/// Longest line accepted (a guard against a binary or corrupt file); a longer line is a ParseError.
inline constexpr std::size_t kParserMaxLineLength = std::size_t{64} << 20;

class Parser {
public:
    /// `fileName` only labels error messages. `chunkSize`: bytes read from an istream at a time (tests use tiny
    /// chunks to check lines that straddle reads).
    explicit Parser(std::string fileName, std::size_t chunkSize = kParserChunkSize);

    /// Parses one settlement report from `in`: sink.onHeader once, then sink.onRow for every amount component,
    /// in file order. Throws ParseError on bad input (see above), std::runtime_error when the stream fails.
    void parse(std::istream& in, RowSink& sink);

    /// Same, from a block of bytes already in memory.
    void parse(std::string_view bytes, RowSink& sink);

    const std::string& fileName() const noexcept { return fileName_; }

private:
    std::string fileName_;
    std::size_t chunkSize_;
};

/// Reads the file at `path` with unbuffered fread() (plain read() calls) in 1 MiB chunks and parses it (errors name `path`).
/// Throws ParseError on bad input, std::runtime_error when the file cannot be opened or read.
void parseFile(const std::string& path, RowSink& sink);

}  // namespace settlebridge::settlement
