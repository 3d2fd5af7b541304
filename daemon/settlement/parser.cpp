#include "daemon/settlement/parser.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

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

// ---------------------------------------------------------------------------------------------------------
// The line-level state machine: header -> summary row -> transaction rows.

class Engine {
public:
    Engine(const std::string& file, RowSink& sink) : file_(file), sink_(sink) { index_.fill(-1); }

    std::size_t lineNumber() const noexcept { return lineNo_; }

    /// One line, without its '\n'.
    void line(std::string_view raw) {
        ++lineNo_;
        if (raw.size() > kParserMaxLineLength) {
            fail(lineNo_, 0, {}, "line longer than " + std::to_string(kParserMaxLineLength >> 20) + " MiB");
        }
        if (lineNo_ == 1) raw = common::stripUtf8Bom(raw);
        std::size_t n = raw.size();
        while (n > 0 && (raw[n - 1] == '\r' || raw[n - 1] == ' ' || raw[n - 1] == '\t')) --n;
        if (n == 0) return;  // blank line
        raw = raw.substr(0, n);
        switch (state_) {
            case State::Header:
                header(raw);
                break;
            case State::Summary:
                summary(raw);
                break;
            case State::Rows:
                split(raw);
                transaction();
                break;
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

private:
    enum class State { Header, Summary, Rows };

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
        cols.resize(static_cast<std::size_t>(maxIndex + 1));
        colOfField_.clear();
        for (const int col : cols) colOfField_.push_back(static_cast<std::uint8_t>(col < 0 ? kColumnCount : col));
        colOfField_.push_back(static_cast<std::uint8_t>(kColumnCount));

        if (!has(kSettlementId)) {
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
        if (get(kTotalAmount).empty() && get(kStartDate).empty()) {
            failField(kTotalAmount,
                      "missing settlement summary row: the first row after the header must carry "
                      "settlement-start-date and total-amount");
        }
        SettlementHeader h;
        const std::string_view id = get(kSettlementId);
        if (id.empty() || id.size() > 20 || !std::all_of(id.begin(), id.end(), isDigit)) {
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
            failField(kSettlementId,
                      "row of settlement " + quoted(id) + " in the report of settlement " + settlementId_);
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
    std::string settlementId_;
    std::string postedText_;
    common::UtcSeconds postedUtc_ = 0;
    std::array<Pending, kPendingSlots> pending_;
    std::size_t pendingNext_ = 0;
    std::size_t pendingLive_ = 0;
};

/// Feeds `engine` the lines of a byte source read in chunks of `chunkSize`; `read(buffer, max)` returns the
/// number of bytes read, 0 at the end.
template <typename Read>
void runChunks(Engine& engine, std::size_t chunkSize, Read&& read) {
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
        const std::size_t got = read(buffer.get() + have, chunkSize);
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
    if (have > 0) engine.line(std::string_view(buffer.get(), have));
    engine.finish();
}

struct FileCloser {
    void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};

}  // namespace

Parser::Parser(std::string fileName, std::size_t chunkSize) : fileName_(std::move(fileName)), chunkSize_(chunkSize) {}

void Parser::parse(std::istream& in, RowSink& sink) {
    Engine engine(fileName_, sink);
    runChunks(engine, chunkSize_, [&](char* out, std::size_t max) -> std::size_t {
        in.read(out, static_cast<std::streamsize>(max));
        if (in.bad()) throw std::runtime_error(fileName_ + ": read error");
        return static_cast<std::size_t>(in.gcount());
    });
}

void Parser::parse(std::string_view bytes, RowSink& sink) {
    Engine engine(fileName_, sink);
    std::size_t start = 0;
    while (start < bytes.size()) {
        const auto* nl = static_cast<const char*>(std::memchr(bytes.data() + start, '\n', bytes.size() - start));
        const std::size_t end = nl == nullptr ? bytes.size() : static_cast<std::size_t>(nl - bytes.data());
        engine.line(bytes.substr(start, end - start));
        start = end + 1;
    }
    engine.finish();
}

void parseFile(const std::string& path, RowSink& sink) {
    std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
    if (!file) throw std::runtime_error(path + ": cannot open: " + std::strerror(errno));
    std::setvbuf(file.get(), nullptr, _IONBF, 0);  // our chunks go straight to read()
    Engine engine(path, sink);
    runChunks(engine, kParserChunkSize, [&](char* out, std::size_t max) -> std::size_t {
        const std::size_t got = std::fread(out, 1, max, file.get());
        if (got == 0 && std::ferror(file.get()) != 0) {
            throw std::runtime_error(path + ": read error: " + std::strerror(errno));
        }
        return got;
    });
}

}  // namespace settlebridge::settlement
