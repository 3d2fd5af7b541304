#include "daemon/settlement/parser.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

#include <zlib.h>

#include "daemon/common/datetime.hpp"
#include "daemon/common/money.hpp"
#include "daemon/common/text.hpp"

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#define SETTLEBRIDGE_PARSER_SSE2 1
#else
#define SETTLEBRIDGE_PARSER_SSE2 0
#endif

namespace settlebridge::settlement {
namespace {

// ---------------------------------------------------------------------------------------------------------
// Columns

enum Col : int {
    // Common to both layouts.
    kSettlementId,
    kStartDate,
    kEndDate,
    kDepositDate,
    kTotalAmount,
    kCurrency,
    kTransactionType,
    kOrderId,
    kMerchantOrderId,
    kAdjustmentId,
    kShipmentId,
    kMarketplaceName,
    kFulfillmentId,
    kPostedDate,
    kPostedDateTime,
    kOrderItemCode,
    kMerchantOrderItemId,
    kMerchantAdjustmentItemId,
    kSku,
    kQuantityPurchased,
    kPromotionId,
    // Flat File V2.
    kAmountType,
    kAmountDescription,
    kAmount,
    // Legacy wide layout (V1).
    kShipmentFeeType,
    kShipmentFeeAmount,
    kOrderFeeType,
    kOrderFeeAmount,
    kPriceType,
    kPriceAmount,
    kItemRelatedFeeType,
    kItemRelatedFeeAmount,
    kMiscFeeAmount,
    kOtherFeeAmount,
    kOtherFeeReasonDescription,
    kPromotionType,
    kPromotionAmount,
    kDirectPaymentType,
    kDirectPaymentAmount,
    kOtherAmount,
    kColumnCount
};

constexpr std::array<std::string_view, kColumnCount> kColumnNames = {
    "settlement-id",
    "settlement-start-date",
    "settlement-end-date",
    "deposit-date",
    "total-amount",
    "currency",
    "transaction-type",
    "order-id",
    "merchant-order-id",
    "adjustment-id",
    "shipment-id",
    "marketplace-name",
    "fulfillment-id",
    "posted-date",
    "posted-date-time",
    "order-item-code",
    "merchant-order-item-id",
    "merchant-adjustment-item-id",
    "sku",
    "quantity-purchased",
    "promotion-id",
    "amount-type",
    "amount-description",
    "amount",
    "shipment-fee-type",
    "shipment-fee-amount",
    "order-fee-type",
    "order-fee-amount",
    "price-type",
    "price-amount",
    "item-related-fee-type",
    "item-related-fee-amount",
    "misc-fee-amount",
    "other-fee-amount",
    "other-fee-reason-description",
    "promotion-type",
    "promotion-amount",
    "direct-payment-type",
    "direct-payment-amount",
    "other-amount",
};

constexpr std::array<Col, 7> kRequiredCommon = {kSettlementId, kStartDate, kEndDate,        kDepositDate,
                                                kTotalAmount,  kCurrency,  kTransactionType};
constexpr std::array<Col, 3> kV2AmountColumns = {kAmountType, kAmountDescription, kAmount};
constexpr std::array<Col, 9> kV1AmountColumns = {kPriceAmount,    kItemRelatedFeeAmount, kShipmentFeeAmount,
                                                 kOrderFeeAmount, kPromotionAmount,      kMiscFeeAmount,
                                                 kOtherFeeAmount, kDirectPaymentAmount,  kOtherAmount};
// Present in every V1 file seen (33 and 36 columns); the other V1 amount columns are optional.
constexpr std::array<Col, 5> kV1Required = {kPriceType, kPriceAmount, kItemRelatedFeeType, kItemRelatedFeeAmount,
                                            kOtherAmount};

// How each V1 amount column becomes a V2-shaped row.
struct V1AmountColumn {
    Col amount;
    Col type;                      // column holding the description; kColumnCount when none
    std::string_view amountType;   // V2 amount-type
    std::string_view description;  // used when `type` is kColumnCount
};

constexpr std::array<V1AmountColumn, 9> kV1Columns = {{
    {kPriceAmount, kPriceType, "ItemPrice", {}},
    {kItemRelatedFeeAmount, kItemRelatedFeeType, "ItemFees", {}},
    {kShipmentFeeAmount, kShipmentFeeType, "ShipmentFees", {}},
    {kOrderFeeAmount, kOrderFeeType, "OrderFees", {}},
    {kPromotionAmount, kPromotionType, "Promotion", {}},
    {kMiscFeeAmount, kColumnCount, "MiscFees", "MiscFee"},
    {kOtherFeeAmount, kOtherFeeReasonDescription, "OtherFees", {}},
    {kDirectPaymentAmount, kDirectPaymentType, "DirectPayment", {}},
    {kOtherAmount, kTransactionType, "other-transaction", {}},
}};

constexpr std::string_view kOtherTransaction = "other-transaction";
constexpr std::string_view kCostOfAdvertising = "Cost of Advertising";
constexpr std::string_view kTransactionTotalAmount = "TransactionTotalAmount";

constexpr std::size_t kPendingSlots = 64;

constexpr bool isDigit(char c) noexcept { return c >= '0' && c <= '9'; }

/// A value quoted for an error message: valid UTF-8, control characters shown as '?', at most ~60 bytes.
std::string quoted(std::string_view value) {
    std::string scratch;
    std::string_view text = common::asUtf8(value, scratch);
    constexpr std::size_t kMax = 60;
    bool cut = false;
    if (text.size() > kMax) {
        std::size_t n = kMax;
        while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;  // keep whole characters
        text = text.substr(0, n);
        cut = true;
    }
    std::string out = "\"";
    for (const char c : text) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) ? '?' : c;
    if (cut) out += "...";
    out += '"';
    return out;
}

/// Integer quantity: optional sign and up to 9 digits.
std::optional<std::int64_t> parseQuantity(std::string_view text) noexcept {
    if (text.empty()) return std::nullopt;
    bool negative = false;
    std::size_t i = 0;
    if (text[0] == '-' || text[0] == '+') {
        negative = text[0] == '-';
        i = 1;
    }
    if (i == text.size() || text.size() - i > 9) return std::nullopt;
    std::int64_t value = 0;
    for (; i < text.size(); ++i) {
        if (!isDigit(text[i])) return std::nullopt;
        value = value * 10 + (text[i] - '0');
    }
    return negative ? -value : value;
}

/// True for a number in scientific notation such as `3.04E+13`: how Excel shows (and re-saves) a long id.
bool looksScientific(std::string_view text) noexcept {
    const std::size_t e = text.find_first_of("Ee");
    if (e == std::string_view::npos || e == 0 || e + 2 > text.size()) return false;
    std::size_t i = 0;
    bool digits = false;
    bool dot = false;
    for (; i < e; ++i) {
        const char c = text[i];
        if (isDigit(c)) {
            digits = true;
        } else if ((c == '.' || c == ',') && !dot) {
            dot = true;
        } else {
            return false;
        }
    }
    if (!digits) return false;
    i = e + 1;
    if (text[i] == '+' || text[i] == '-') ++i;
    if (i == text.size()) return false;
    for (; i < text.size(); ++i)
        if (!isDigit(text[i])) return false;
    return true;
}

std::string reSavedBySpreadsheet(std::string_view value) {
    return "the value " + quoted(value) +
           " is a long number in scientific notation: a spreadsheet program (Excel) has opened and re-saved this "
           "file, and Excel turns long ids into numbers like 3.04E+13, so ids and amounts in this copy cannot be "
           "trusted. Download the report again from Seller Central (Reports > Payments > All Statements) and import "
           "the file as downloaded, without opening it in Excel";
}

std::string cutOff(std::size_t line, const std::string& detail) {
    return "the file looks cut off at line " + std::to_string(line) + ": download it again (" + detail + ")";
}

// ---------------------------------------------------------------------------------------------------------
// The line-level state machine: header -> summary row -> transaction rows.

class Engine {
public:
    Engine(const std::string& file, RowSink& sink) : file_(file), sink_(sink) { index_.fill(-1); }

    std::size_t lineNumber() const noexcept { return lineNo_; }

    /// One line, without its '\n'; `terminated` is false for a last line that has no line end.
    void line(std::string_view raw, bool terminated = true) {
        ++lineNo_;
        if (raw.size() > kParserMaxLineLength) {
            fail(lineNo_, 0, {}, "line longer than " + std::to_string(kParserMaxLineLength >> 20) + " MiB");
        }
        if (lineNo_ == 1) raw = common::stripUtf8Bom(raw);
        if (!raw.empty() && raw.back() == '\r') terminated = true;  // a CRLF file cut right after its CR
        std::size_t n = raw.size();
        std::size_t trailingTabs = 0;
        while (n > 0 && (raw[n - 1] == '\r' || raw[n - 1] == ' ' || raw[n - 1] == '\t')) {
            if (raw[n - 1] == '\t') ++trailingTabs;
            --n;
        }
        if (n == 0) return;  // blank line: not a row
        raw = raw.substr(0, n);
        trailingTabs_ = trailingTabs;
        terminated_ = terminated;
        if (terminated) {
            dispatch(raw);
            return;
        }
        try {
            dispatch(raw);
        } catch (const ParseError& e) {
            // The last line has no line end and its last value is what could not be read: it was cut there.
            if (state_ != State::Header && e.line() == lineNo_ && e.column() != 0 && e.column() >= fieldCount_) {
                fail(lineNo_, e.column(), e.field(),
                     cutOff(lineNo_, "the last line has no line end and its last value is incomplete: " + e.detail()));
            }
            throw;
        }
    }

    void finish() {
        if (state_ == State::Header) {
            fail(lineNo_ == 0 ? 1 : lineNo_, 0, {}, "empty file: not a settlement report (no header line)");
        }
        if (state_ == State::Summary) {
            fail(lineNo_ + 1, 0, {}, "the file ends before the settlement summary row");
        }
    }

    [[noreturn]] void fail(std::size_t line, std::size_t column, std::string_view field,
                           const std::string& message) const {
        throw ParseError(file_, line, column, std::string(field), message);
    }

    /// The input ended inside the line being read (compressed data or a UTF-16 character cut short).
    [[noreturn]] void failCutInput(const std::string& detail) const {
        fail(lineNo_ + 1, 0, {}, cutOff(lineNo_ + 1, detail));
    }

private:
    enum class State { Header, Summary, Rows };

    void dispatch(std::string_view raw) {
        switch (state_) {
            case State::Header:
                header(raw);
                break;
            case State::Summary:
                summary(raw);
                break;
            case State::Rows:
                split(raw);
                checkRowShape(raw);
                transaction();
                break;
        }
    }

    /// A second header line, or a row with fewer fields than the header has columns.
    void checkRowShape(std::string_view raw) const {
        // Rows start with digits: one byte rules a header out for almost every line.
        const std::string_view id = get(kSettlementId);
        const auto headerLike = [](std::string_view text) {
            return !text.empty() && (text[0] | 0x20) == 's' &&
                   common::startsWithIgnoreCaseAscii(text, kColumnNames[kSettlementId]);
        };
        if (headerLike(raw) || (id.size() == kColumnNames[kSettlementId].size() && headerLike(id))) {
            fail(lineNo_, 0, {},
                 "line " + std::to_string(lineNo_) + " is a second header line (the first is line " +
                     std::to_string(headerLine_) +
                     "): the file holds two reports pasted together. Import each report as its own file, as "
                     "downloaded from Amazon");
        }
        if (fieldCount_ < headerColumns_) {
            const std::string counts =
                std::to_string(fieldCount_) + " of the header's " + std::to_string(headerColumns_) + " columns";
            fail(lineNo_, 0, {},
                 cutOff(lineNo_, terminated_ ? "this line has only " + counts
                                             : "the last line stops after " + counts + ", without a line end"));
        }
    }

    // ---- fields of the current line ----

    /// Splits a line at its tabs into fields_ (the columns read; a short line leaves the rest empty) and notes
    /// whether the line is pure ASCII. SSE2 finds the tabs 16 bytes at a time; the tail goes byte by byte.
    void split(std::string_view line) {
        const char* const base = line.data();
        const std::size_t size = line.size();
        const std::size_t needed = colOfField_.size() - 1;  // the last entry is the spare slot
        std::size_t field = 0;
        std::size_t start = 0;
        const auto endField = [&](std::size_t end) {
            // Fields past the last column read land in the spare slot: no branch per field.
            fields_[colOfField_[std::min(field, needed)]] = std::string_view(base + start, end - start);
            ++field;
            start = end + 1;
        };
        bool ascii = true;
        std::size_t i = 0;
#if SETTLEBRIDGE_PARSER_SSE2
        const __m128i tab = _mm_set1_epi8('\t');
        __m128i high = _mm_setzero_si128();
        for (; i + 16 <= size; i += 16) {
            const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + i));
            high = _mm_or_si128(high, block);
            auto tabs = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, tab)));
            while (tabs != 0) {
                endField(i + static_cast<std::size_t>(std::countr_zero(tabs)));
                tabs &= tabs - 1;
            }
        }
        ascii = _mm_movemask_epi8(high) == 0;
#endif
        for (; i < size; ++i) {
            const char c = base[i];
            if (c == '\t') endField(i);
            if (static_cast<unsigned char>(c) >= 0x80) ascii = false;
        }
        endField(size);
        fieldCount_ = field + trailingTabs_;
        for (; field < needed; ++field) fields_[colOfField_[field]] = std::string_view();  // a short line
        lineAscii_ = ascii;
    }

    bool has(Col c) const noexcept { return index_[c] >= 0; }

    /// The raw field, blanks trimmed (empty when the column is absent).
    std::string_view get(Col c) const noexcept {
        const std::string_view v = fields_[c];
        // Most cells have no blanks around them: look at both ends before calling the full trim.
        if (!v.empty() &&
            (static_cast<unsigned char>(v.front()) <= ' ' || static_cast<unsigned char>(v.back()) <= ' ')) {
            return common::trimBlanks(v);
        }
        return v;
    }

    /// A text field as valid UTF-8 (converted from Windows-1252 when it is not UTF-8).
    std::string_view text(Col c) {
        const std::string_view v = get(c);
        if (lineAscii_) return v;
        return common::asUtf8(v, scratch_[c]);
    }

    std::size_t columnOf(Col c) const noexcept { return index_[c] < 0 ? 0 : static_cast<std::size_t>(index_[c]) + 1; }

    [[noreturn]] void failField(Col c, const std::string& message) const {
        fail(lineNo_, columnOf(c), kColumnNames[c], message);
    }

    common::Cents amountOf(Col c) const {
        const std::string_view v = get(c);
        const auto cents = common::parseAmount(v);
        if (!cents) failField(c, "cannot read " + quoted(v) + " as an amount");
        return *cents;
    }

    common::UtcSeconds dateOf(Col c) const {
        const std::string_view v = get(c);
        const auto utc = common::parseDateTime(v);
        if (!utc) failField(c, "cannot read " + quoted(v) + " as a date");
        return *utc;
    }

    std::int64_t quantityOf(Col c) const {
        const std::string_view v = get(c);
        const auto q = parseQuantity(v);
        if (!q) failField(c, "cannot read " + quoted(v) + " as a quantity");
        return *q;
    }

    // ---- header line ----

    void header(std::string_view line) {
        std::vector<int> cols;
        std::size_t start = 0;
        int maxIndex = -1;
        for (std::size_t fieldNo = 0;; ++fieldNo) {
            const std::size_t tab = line.find('\t', start);
            const std::string_view name =
                common::trimBlanks(line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
            int col = -1;
            for (std::size_t c = 0; c < kColumnCount; ++c) {
                if (common::equalsIgnoreCaseAscii(name, kColumnNames[c])) {
                    col = static_cast<int>(c);
                    break;
                }
            }
            if (col >= 0) {
                if (index_[static_cast<std::size_t>(col)] >= 0) {
                    fail(lineNo_, fieldNo + 1, kColumnNames[static_cast<std::size_t>(col)],
                         "duplicate column in the header");
                }
                index_[static_cast<std::size_t>(col)] = static_cast<int>(fieldNo);
                maxIndex = static_cast<int>(fieldNo);
            }
            cols.push_back(col);
            if (tab == std::string_view::npos) break;
            start = tab + 1;
        }
        // Every field up to the last column read maps to a slot of fields_: its column, or the spare slot
        // (kColumnCount) for columns not read; one more spare entry takes every field after them.
        headerColumns_ = cols.size();  // every row must have at least this many fields
        headerLine_ = lineNo_;
        cols.resize(static_cast<std::size_t>(maxIndex + 1));
        colOfField_.clear();
        for (const int col : cols) colOfField_.push_back(static_cast<std::uint8_t>(col < 0 ? kColumnCount : col));
        colOfField_.push_back(static_cast<std::uint8_t>(kColumnCount));

        if (!has(kSettlementId)) {
            if (line.find('\t') == std::string_view::npos) {
                const auto commas = std::count(line.begin(), line.end(), ',');
                const auto semicolons = std::count(line.begin(), line.end(), ';');
                std::string lower = common::asciiLower(line);
                if ((commas > 0 || semicolons > 0) && lower.find(kColumnNames[kSettlementId]) != std::string::npos) {
                    fail(lineNo_, 0, {},
                         std::string("the file is ") + (semicolons > commas ? "semicolon" : "comma") +
                             "-separated, not tab-separated like the report Amazon provides: a spreadsheet program "
                             "(Excel) has opened and re-saved it as CSV. Such a copy cannot be trusted: Excel also "
                             "turns long ids into numbers like 3.04E+13 and may rewrite dates and amounts. Download "
                             "the report again from Seller Central (Reports > Payments > All Statements) and import "
                             "the file as downloaded, without opening it in Excel");
                }
            }
            fail(lineNo_, 0, {}, "not a settlement report: the header has no 'settlement-id' column");
        }
        const bool v2 = std::any_of(kV2AmountColumns.begin(), kV2AmountColumns.end(), [&](Col c) { return has(c); });
        const bool v1 = std::any_of(kV1AmountColumns.begin(), kV1AmountColumns.end(), [&](Col c) { return has(c); });
        if (!v2 && !v1) {
            fail(lineNo_, 0, {},
                 "not a settlement report: the header has no amount column ('amount' or 'price-amount', ...)");
        }
        if (v2 && v1) {
            fail(lineNo_, 0, {},
                 "not a settlement report: the header mixes Flat File V2 columns (amount-type/amount) with "
                 "legacy flat-file amount columns (price-amount, other-amount, ...)");
        }
        layout_ = v2 ? Layout::FlatFileV2 : Layout::FlatFileV1;
        const std::string_view layoutName = v2 ? "Flat File V2" : "legacy flat file (V1)";
        const auto require = [&](Col c) {
            if (!has(c)) {
                fail(lineNo_, 0, kColumnNames[c], "missing column in the " + std::string(layoutName) + " header");
            }
        };
        for (const Col c : kRequiredCommon) require(c);
        if (v2) {
            for (const Col c : kV2AmountColumns) require(c);
        } else {
            for (const Col c : kV1Required) require(c);
        }
        state_ = State::Summary;
    }

    // ---- summary row ----

    void summary(std::string_view line) {
        split(line);
        checkRowShape(line);
        if (get(kTotalAmount).empty() && get(kStartDate).empty()) {
            failField(kTotalAmount,
                      "missing settlement summary row: the first row after the header must carry "
                      "settlement-start-date and total-amount");
        }
        SettlementHeader h;
        const std::string_view id = get(kSettlementId);
        if (id.empty() || id.size() > 20 || !std::all_of(id.begin(), id.end(), isDigit)) {
            if (looksScientific(id)) failField(kSettlementId, reSavedBySpreadsheet(id));
            failField(kSettlementId, "settlement id " + quoted(id) + " is not 1 to 20 digits");
        }
        h.settlementId = std::string(id);
        const auto required = [&](Col c) {
            if (get(c).empty()) failField(c, "empty on the settlement summary row");
        };
        required(kStartDate);
        required(kEndDate);
        required(kDepositDate);
        required(kTotalAmount);
        required(kCurrency);
        h.startUtc = dateOf(kStartDate);
        h.endUtc = dateOf(kEndDate);
        h.depositUtc = dateOf(kDepositDate);
        h.totalAmount = amountOf(kTotalAmount);
        const std::string_view currency = get(kCurrency);
        if (currency.size() != 3 || !std::all_of(currency.begin(), currency.end(), [](char c) {
                return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
            })) {
            failField(kCurrency, "currency " + quoted(currency) + " is not a three-letter ISO 4217 code");
        }
        h.currency = common::asciiUpper(currency);
        h.layout = layout_;
        settlementId_ = h.settlementId;
        sink_.onHeader(h);
        state_ = State::Rows;
        // Some writers repeat the summary fields on a transaction row; such a row still carries its amounts.
        if (!get(kTransactionType).empty()) transaction();
    }

    // ---- transaction rows ----

    void transaction() {
        const std::string_view id = get(kSettlementId);
        if (id != settlementId_) {
            if (looksScientific(id)) failField(kSettlementId, reSavedBySpreadsheet(id));
            failField(kSettlementId,
                      "row of settlement " + quoted(id) + " in the report of settlement " + settlementId_);
        }
        // Order item codes are 14-digit numbers: the first thing a spreadsheet re-save spoils.
        if (const std::string_view code = get(kOrderItemCode);
            code.size() > 3 && code.find('+') != std::string_view::npos && looksScientific(code)) {
            failField(kOrderItemCode, reSavedBySpreadsheet(code));
        }
        Row row;
        row.line = lineNo_;
        row.transactionType = text(kTransactionType);
        row.orderId = text(kOrderId);
        row.adjustmentId = text(kAdjustmentId);
        row.orderItemCode = text(kOrderItemCode);
        row.sku = text(kSku);
        row.marketplaceName = text(kMarketplaceName);
        row.fulfillmentId = text(kFulfillmentId);
        if (layout_ == Layout::FlatFileV2) {
            transactionV2(row);
        } else {
            transactionV1(row);
        }
    }

    common::UtcSeconds postedOf() {
        Col c = kPostedDateTime;
        std::string_view v = get(kPostedDateTime);
        if (v.empty()) {
            c = kPostedDate;
            v = get(kPostedDate);
            if (v.empty()) return 0;
        }
        if (v == postedText_) return postedUtc_;
        // In V2 files posted-date is for display only (Amazon documents MM/DD/YY; files show dd.MM.yyyy too):
        // when posted-date-time is missing and posted-date is in an unknown style, the row simply has no date
        // (it goes to the settlement's last month part) instead of failing the whole report.
        if (c == kPostedDate && layout_ == Layout::FlatFileV2) {
            const auto parsed = common::parseDateTime(v);
            postedText_.assign(v.data(), v.size());
            postedUtc_ = parsed ? *parsed : 0;
            return postedUtc_;
        }
        const common::UtcSeconds utc = dateOf(c);
        postedText_.assign(v.data(), v.size());
        postedUtc_ = utc;
        return utc;
    }

    static bool isItemSale(std::string_view transactionType) noexcept {
        return transactionType == "Order" || transactionType == "Refund";
    }

    void transactionV2(Row& row) {
        row.amountType = text(kAmountType);
        row.amountDescription = text(kAmountDescription);
        const std::string_view amount = get(kAmount);
        if (amount.empty()) {
            if (row.amountType.empty() && row.amountDescription.empty()) return;  // carries nothing
            failField(kAmount, "empty amount on a row with amount-type " + quoted(row.amountType));
        }
        row.amount = amountOf(kAmount);
        row.postedUtc = postedOf();
        if (isItemSale(row.transactionType) && row.amountType == "ItemPrice" && row.amountDescription == "Principal" &&
            !get(kQuantityPurchased).empty()) {
            row.quantity = quantityOf(kQuantityPurchased);
        }
        sink_.onRow(row);
    }

    void transactionV1(Row& row) {
        // Read every amount of the line first, so that a bad one fails the line before any of it is delivered.
        std::array<common::Cents, kV1Columns.size()> amounts{};
        std::array<bool, kV1Columns.size()> present{};
        bool anyAmount = false;
        for (std::size_t k = 0; k < kV1Columns.size(); ++k) {
            const Col c = kV1Columns[k].amount;
            if (get(c).empty()) continue;
            amounts[k] = amountOf(c);
            present[k] = true;
            anyAmount = true;
        }
        const bool hasQuantity = !get(kQuantityPurchased).empty();
        const std::int64_t quantity = hasQuantity ? quantityOf(kQuantityPurchased) : 0;
        if (!anyAmount) {
            // The wide layout's quantity row: no money, the item's units for its Principal row to come.
            if (hasQuantity && !row.orderItemCode.empty()) {
                rememberQuantity(row.transactionType, row.orderItemCode, quantity);
            }
            return;
        }
        row.postedUtc = postedOf();
        const std::string_view v1TransactionType = row.transactionType;
        for (std::size_t k = 0; k < kV1Columns.size(); ++k) {
            if (!present[k]) continue;
            const V1AmountColumn& column = kV1Columns[k];
            Row out = row;
            out.amount = amounts[k];
            out.amountType = column.amountType;
            out.amountDescription = column.type == kColumnCount ? column.description : text(column.type);
            if (column.amount == kOtherAmount) {
                // Account-level event: the V1 transaction-type names it (Storage Fee, Payable to Amazon, ...).
                out.transactionType = kOtherTransaction;
                out.amountDescription = v1TransactionType;
            } else if (column.amount == kItemRelatedFeeAmount && out.amountDescription == kCostOfAdvertising) {
                out.amountType = kCostOfAdvertising;
                out.amountDescription = kTransactionTotalAmount;
            } else if (column.amount == kPriceAmount && out.amountDescription == "Principal" &&
                       isItemSale(v1TransactionType)) {
                const std::optional<std::int64_t> pending = takeQuantity(v1TransactionType, row.orderItemCode);
                out.quantity = hasQuantity ? quantity : pending.value_or(0);
            }
            sink_.onRow(out);
        }
    }

    // ---- V1 quantities waiting for their Principal row (a small ring: memory stays bounded) ----

    struct Pending {
        std::string transactionType;
        std::string orderItemCode;
        std::int64_t quantity = 0;
        bool live = false;
    };

    void rememberQuantity(std::string_view transactionType, std::string_view orderItemCode, std::int64_t quantity) {
        takeQuantity(transactionType, orderItemCode);  // a repeated quantity row replaces the earlier one
        Pending& slot = pending_[pendingNext_];
        if (!slot.live) ++pendingLive_;
        slot.transactionType.assign(transactionType.data(), transactionType.size());
        slot.orderItemCode.assign(orderItemCode.data(), orderItemCode.size());
        slot.quantity = quantity;
        slot.live = true;
        pendingNext_ = (pendingNext_ + 1) % kPendingSlots;
    }

    std::optional<std::int64_t> takeQuantity(std::string_view transactionType, std::string_view orderItemCode) {
        if (pendingLive_ == 0 || orderItemCode.empty()) return std::nullopt;
        for (std::size_t k = 1; k <= kPendingSlots; ++k) {  // newest first
            Pending& slot = pending_[(pendingNext_ + kPendingSlots - k) % kPendingSlots];
            if (slot.live && slot.orderItemCode == orderItemCode && slot.transactionType == transactionType) {
                slot.live = false;
                --pendingLive_;
                return slot.quantity;
            }
        }
        return std::nullopt;
    }

    const std::string& file_;
    RowSink& sink_;
    State state_ = State::Header;
    Layout layout_ = Layout::FlatFileV2;
    std::size_t lineNo_ = 0;
    std::array<int, kColumnCount> index_{};  // 0-based field index of each column, -1 when absent
    std::vector<std::uint8_t> colOfField_;   // per field of a line: its Col, kColumnCount when not read
    std::array<std::string_view, kColumnCount + 1> fields_{};  // + the spare slot
    std::array<std::string, kColumnCount> scratch_;            // Windows-1252 conversions, per column
    bool lineAscii_ = true;
    std::size_t headerColumns_ = 0;  // fields of the header line (trailing empty names not counted)
    std::size_t headerLine_ = 1;
    std::size_t fieldCount_ = 0;     // fields of the current line, trailing empty ones included
    std::size_t trailingTabs_ = 0;   // tabs trimmed off the end of the current line
    bool terminated_ = true;         // the current line ended with a line end
    std::string settlementId_;
    std::string postedText_;
    common::UtcSeconds postedUtc_ = 0;
    std::array<Pending, kPendingSlots> pending_;
    std::size_t pendingNext_ = 0;
    std::size_t pendingLive_ = 0;
};

// ---------------------------------------------------------------------------------------------------------
// Byte sources: what the file is made of (plain text, gzip, UTF-16) is decided from its first bytes, and the
// engine always receives UTF-8 text. Each source keeps a fixed-size buffer: memory does not grow with the file.

/// Pulls bytes: read(out, max) returns how many it wrote (at least 1 unless the input has ended).
class Source {
public:
    virtual ~Source() = default;
    virtual std::size_t read(char* out, std::size_t max) = 0;
};

using ReadFn = std::function<std::size_t(char*, std::size_t)>;

/// A reader, with the first bytes (looked at to tell what the file is) handed out first.
class RawSource final : public Source {
public:
    explicit RawSource(ReadFn read) : read_(std::move(read)) {}

    /// Reads until `n` bytes are held or the input ends; returns what is held.
    std::string_view peek(std::size_t n) {
        while (held_.size() - pos_ < n) {
            char buffer[16];
            const std::size_t got = read_(buffer, std::min(sizeof buffer, n - (held_.size() - pos_)));
            if (got == 0) break;
            held_.append(buffer, got);
        }
        return std::string_view(held_).substr(pos_);
    }

    void skip(std::size_t n) { pos_ += std::min(n, held_.size() - pos_); }

    std::size_t read(char* out, std::size_t max) override {
        if (pos_ < held_.size()) {
            const std::size_t n = std::min(max, held_.size() - pos_);
            std::memcpy(out, held_.data() + pos_, n);
            pos_ += n;
            return n;
        }
        return read_(out, max);
    }

private:
    ReadFn read_;
    std::string held_;
    std::size_t pos_ = 0;
};

constexpr std::size_t kDecodeBlock = std::size_t{64} << 10;

/// Inflates gzip data (RFC 1952), member after member; zero padding after the last member is ignored.
class GzipSource final : public Source {
public:
    GzipSource(Source& in, const Engine& engine) : in_(in), engine_(engine), buffer_(new char[kDecodeBlock]) {
        if (inflateInit2(&zs_, 15 + 16) != Z_OK) throw std::runtime_error("zlib could not start");
    }
    ~GzipSource() override { inflateEnd(&zs_); }
    GzipSource(const GzipSource&) = delete;
    GzipSource& operator=(const GzipSource&) = delete;

    std::size_t read(char* out, std::size_t max) override {
        if (max == 0) return 0;
        zs_.next_out = reinterpret_cast<Bytef*>(out);
        zs_.avail_out = static_cast<uInt>(std::min<std::size_t>(max, 0x7FFFFFFF));
        const uInt wanted = zs_.avail_out;
        while (zs_.avail_out == wanted) {
            if (zs_.avail_in == 0) {
                const std::size_t got = in_.read(buffer_.get(), kDecodeBlock);
                if (got == 0) {
                    if (inMember_) engine_.failCutInput("the gzip-compressed data ends early");
                    return 0;
                }
                zs_.next_in = reinterpret_cast<Bytef*>(buffer_.get());
                zs_.avail_in = static_cast<uInt>(got);
            }
            if (!inMember_) {
                // Between members: zero padding is skipped; anything else must be the next member.
                while (zs_.avail_in > 0 && *zs_.next_in == 0) {
                    ++zs_.next_in;
                    --zs_.avail_in;
                }
                if (zs_.avail_in == 0) continue;
                if (inflateReset(&zs_) != Z_OK) throw std::runtime_error("zlib could not continue");
                inMember_ = true;
            }
            const int rc = inflate(&zs_, Z_NO_FLUSH);
            if (rc == Z_STREAM_END) {
                inMember_ = false;
            } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
                engine_.fail(engine_.lineNumber() + 1, 0, {},
                             std::string("the gzip-compressed data is damaged (") +
                                 (zs_.msg != nullptr ? zs_.msg : "invalid data") + "): download the report again");
            }
        }
        return wanted - zs_.avail_out;
    }

private:
    Source& in_;
    const Engine& engine_;
    std::unique_ptr<char[]> buffer_;
    z_stream zs_{};
    bool inMember_ = true;
};

/// UTF-16 (little- or big-endian, BOM already skipped) to UTF-8, exactly: surrogate pairs are joined, a lone
/// surrogate is refused.
class Utf16Source final : public Source {
public:
    Utf16Source(Source& in, bool bigEndian, const Engine& engine)
        : in_(in), bigEndian_(bigEndian), engine_(engine), input_(new char[kDecodeBlock + 4]) {
        output_.reserve(kDecodeBlock * 3 / 2 + 8);
    }

    std::size_t read(char* out, std::size_t max) override {
        while (pos_ == output_.size()) {
            if (!refill()) return 0;
        }
        const std::size_t n = std::min(max, output_.size() - pos_);
        std::memcpy(out, output_.data() + pos_, n);
        pos_ += n;
        return n;
    }

private:
    std::uint32_t unit(std::size_t i) const noexcept {
        const auto a = static_cast<unsigned char>(input_[i]);
        const auto b = static_cast<unsigned char>(input_[i + 1]);
        return bigEndian_ ? (std::uint32_t{a} << 8 | b) : (std::uint32_t{b} << 8 | a);
    }

    [[noreturn]] void loneSurrogate(std::uint32_t u) const {
        char hex[8];
        std::snprintf(hex, sizeof hex, "%04X", static_cast<unsigned>(u));
        engine_.fail(engine_.lineNumber() + 1, 0, {},
                     std::string("the UTF-16 text holds a lone surrogate (U+") + hex +
                         "), which is no character: the file is damaged; download the report again");
    }

    bool refill() {
        output_.clear();
        pos_ = 0;
        const std::size_t got = in_.read(input_.get() + carry_, kDecodeBlock);
        if (got == 0) {
            if (carry_ > 0) engine_.failCutInput("the UTF-16 text ends in the middle of a character");
            return false;
        }
        const std::size_t total = carry_ + got;
        std::size_t i = 0;
        while (i + 2 <= total) {
            std::uint32_t u = unit(i);
            if (u < 0x80) {  // most of a report
                output_.push_back(static_cast<char>(u));
                i += 2;
                continue;
            }
            if (u >= 0xD800 && u <= 0xDBFF) {
                if (i + 4 > total) break;  // the low half comes with the next block
                const std::uint32_t low = unit(i + 2);
                if (low < 0xDC00 || low > 0xDFFF) loneSurrogate(u);
                u = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
                i += 4;
            } else if (u >= 0xDC00 && u <= 0xDFFF) {
                loneSurrogate(u);
            } else {
                i += 2;
            }
            common::appendUtf8(output_, static_cast<char32_t>(u));
        }
        carry_ = total - i;
        if (carry_ > 0) std::memmove(input_.get(), input_.get() + i, carry_);
        return true;
    }

    Source& in_;
    bool bigEndian_;
    const Engine& engine_;
    std::unique_ptr<char[]> input_;
    std::size_t carry_ = 0;
    std::string output_;
    std::size_t pos_ = 0;
};

bool startsWithBytes(std::string_view bytes, std::string_view prefix) noexcept {
    return bytes.size() >= prefix.size() && bytes.substr(0, prefix.size()) == prefix;
}

enum class Encoding { Text, Gzip, Utf16Le, Utf16Be };

/// What the first bytes say the input is. Refuses a zip archive or an Excel workbook; skips a UTF-16 BOM.
Encoding sniff(RawSource& source, const Engine& engine) {
    const std::string_view head = source.peek(4);
    if (startsWithBytes(head, "\x1f\x8b")) return Encoding::Gzip;
    const auto notText = [&](const std::string& what) {
        engine.fail(1, 0, {},
                    "this is " + what +
                        ", not the tab-separated text file Amazon provides: download the settlement report again "
                        "from Seller Central (Reports > Payments > All Statements, the flat file) and import that "
                        "file as downloaded, without opening it in a spreadsheet");
    };
    if (startsWithBytes(head, "PK\x03\x04")) notText("a zip archive or an Excel workbook (.xlsx)");
    if (startsWithBytes(head, "\xD0\xCF\x11\xE0")) notText("an Excel workbook (.xls)");
    if (startsWithBytes(head, "\xFF\xFE")) {
        source.skip(2);
        return Encoding::Utf16Le;
    }
    if (startsWithBytes(head, "\xFE\xFF")) {
        source.skip(2);
        return Encoding::Utf16Be;
    }
    // Without a BOM: a header starts with ASCII letters, so every other byte is zero.
    if (head.size() == 4 && head[0] != 0 && head[1] == 0 && head[2] != 0 && head[3] == 0) return Encoding::Utf16Le;
    if (head.size() == 4 && head[0] == 0 && head[1] != 0 && head[2] == 0 && head[3] != 0) return Encoding::Utf16Be;
    return Encoding::Text;
}

/// Feeds `engine` the lines of a source read in chunks of `chunkSize`.
void feedLines(Engine& engine, std::size_t chunkSize, Source& source) {
    chunkSize = std::max<std::size_t>(chunkSize, 1);
    std::size_t capacity = chunkSize;
    std::unique_ptr<char[]> buffer = std::make_unique_for_overwrite<char[]>(capacity);
    std::size_t have = 0;  // bytes of an unfinished line at the start of the buffer
    for (;;) {
        if (capacity - have < chunkSize) {  // an unfinished line fills the buffer: grow it
            if (have > kParserMaxLineLength) {
                engine.fail(engine.lineNumber() + 1, 0, {},
                            "line longer than " + std::to_string(kParserMaxLineLength >> 20) + " MiB");
            }
            const std::size_t grown = std::max(capacity * 2, have + chunkSize);
            std::unique_ptr<char[]> bigger = std::make_unique_for_overwrite<char[]>(grown);
            std::memcpy(bigger.get(), buffer.get(), have);
            buffer = std::move(bigger);
            capacity = grown;
        }
        const std::size_t got = source.read(buffer.get() + have, chunkSize);
        if (got == 0) break;
        const char* const base = buffer.get();
        const std::size_t end = have + got;
        std::size_t start = 0;    // start of the current line
        std::size_t scan = have;  // the first `have` bytes hold no '\n'
        for (;;) {
            const auto* nl = static_cast<const char*>(std::memchr(base + scan, '\n', end - scan));
            if (nl == nullptr) break;
            const auto at = static_cast<std::size_t>(nl - base);
            engine.line(std::string_view(base + start, at - start));
            start = scan = at + 1;
        }
        have = end - start;
        if (start > 0 && have > 0) std::memmove(buffer.get(), base + start, have);
    }
    if (have > 0) engine.line(std::string_view(buffer.get(), have), false);
    engine.finish();
}

/// Tells what the input is and feeds its text to `engine`, through gzip and UTF-16 decoding as needed.
void run(Engine& engine, std::size_t chunkSize, ReadFn read) {
    RawSource raw(std::move(read));
    Encoding encoding = sniff(raw, engine);
    if (encoding == Encoding::Text) {
        feedLines(engine, chunkSize, raw);
        return;
    }
    std::unique_ptr<GzipSource> gzip;
    std::unique_ptr<RawSource> inflated;
    Source* text = &raw;
    if (encoding == Encoding::Gzip) {
        gzip = std::make_unique<GzipSource>(raw, engine);
        inflated = std::make_unique<RawSource>([g = gzip.get()](char* out, std::size_t max) { return g->read(out, max); });
        text = inflated.get();
        encoding = sniff(*inflated, engine);
        if (encoding == Encoding::Gzip) {
            engine.fail(1, 0, {}, "the file is compressed twice (gzip inside gzip): decompress it once and import "
                                  "the result, or download the report again");
        }
    }
    if (encoding == Encoding::Text) {
        feedLines(engine, chunkSize, *text);
        return;
    }
    Utf16Source utf16(*text, encoding == Encoding::Utf16Be, engine);
    feedLines(engine, chunkSize, utf16);
}

struct FileCloser {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

}  // namespace

Parser::Parser(std::string fileName, std::size_t chunkSize) : fileName_(std::move(fileName)), chunkSize_(chunkSize) {}

void Parser::parse(std::istream& in, RowSink& sink) {
    Engine engine(fileName_, sink);
    run(engine, chunkSize_, [&](char* out, std::size_t max) -> std::size_t {
        in.read(out, static_cast<std::streamsize>(max));
        if (in.bad()) throw std::runtime_error(fileName_ + ": read error");
        return static_cast<std::size_t>(in.gcount());
    });
}

void Parser::parse(std::string_view bytes, RowSink& sink) {
    Engine engine(fileName_, sink);
    const bool plain = bytes.size() < 4 || !(startsWithBytes(bytes, "\x1f\x8b") || startsWithBytes(bytes, "PK") ||
                                             startsWithBytes(bytes, "\xD0\xCF") || startsWithBytes(bytes, "\xFF\xFE") ||
                                             startsWithBytes(bytes, "\xFE\xFF") || bytes[0] == 0 || bytes[1] == 0);
    if (!plain) {
        std::size_t at = 0;
        run(engine, chunkSize_, [&](char* out, std::size_t max) -> std::size_t {
            const std::size_t n = std::min(max, bytes.size() - at);
            std::memcpy(out, bytes.data() + at, n);
            at += n;
            return n;
        });
        return;
    }
    std::size_t start = 0;
    while (start < bytes.size()) {
        const auto* nl = static_cast<const char*>(std::memchr(bytes.data() + start, '\n', bytes.size() - start));
        const std::size_t end = nl == nullptr ? bytes.size() : static_cast<std::size_t>(nl - bytes.data());
        engine.line(bytes.substr(start, end - start), nl != nullptr);
        start = end + 1;
    }
    engine.finish();
}

void parseFile(const std::string& path, RowSink& sink) {
    std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
    if (!file) throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
    std::setvbuf(file.get(), nullptr, _IONBF, 0);  // our chunks go straight to read()
    Engine engine(path, sink);
    run(engine, kParserChunkSize, [&](char* out, std::size_t max) -> std::size_t {
        const std::size_t got = std::fread(out, 1, max, file.get());
        if (got == 0 && std::ferror(file.get()) != 0) {
            throw std::runtime_error(path + ": read error: " + std::strerror(errno));
        }
        return got;
    });
}

}  // namespace settlebridge::settlement
