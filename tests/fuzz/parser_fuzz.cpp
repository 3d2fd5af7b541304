// libFuzzer target for the settlement parser (and, on short inputs, the amount and date readers).
// Properties checked on every input:
//   - no crash, no sanitizer report, no exception other than ParseError;
//   - the sink contract: one header, before any row; every text valid UTF-8;
//   - the same outcome (rows, header, error position) whether the bytes come as one block or in 3-byte reads;
//   - when the input parses, writing it out as Flat File V2 and parsing that again gives the same rows.

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>

#include "daemon/common/datetime.hpp"
#include "daemon/common/money.hpp"
#include "daemon/settlement/parser.hpp"
#include "daemon/common/text.hpp"
#include "daemon/settlement/v2_writer.hpp"

namespace {

using namespace settlebridge::settlement;

void require(bool condition) {
    if (!condition) __builtin_trap();
}

void appendField(std::string& out, std::string_view text) {
    out += std::to_string(text.size());
    out += ':';
    out += text;
}

/// Records a parse as text: header fields and row contents (line numbers kept apart).
struct Capture : RowSink {
    bool hasHeader = false;
    std::string header;
    std::string rows;
    std::string lines;

    void onHeader(const SettlementHeader& h) override {
        require(!hasHeader && rows.empty());
        require(isValidUtf8(h.settlementId) && isValidUtf8(h.currency));
        hasHeader = true;
        appendField(header, h.settlementId);
        appendField(header, h.currency);
        header += std::to_string(h.startUtc) + ',' + std::to_string(h.endUtc) + ',' + std::to_string(h.depositUtc) +
                  ',' + std::to_string(h.totalAmount);
    }

    void onRow(const Row& r) override {
        require(hasHeader);
        for (const std::string_view text :
             {r.transactionType, r.amountType, r.amountDescription, r.orderId, r.adjustmentId, r.orderItemCode, r.sku,
              r.marketplaceName, r.fulfillmentId}) {
            require(isValidUtf8(text));
            appendField(rows, text);
        }
        rows += std::to_string(r.amount) + ',' + std::to_string(r.postedUtc) + ',' + std::to_string(r.quantity) + ';';
        lines += std::to_string(r.line) + ',';
    }
};

struct Outcome {
    Capture capture;
    bool failed = false;
    std::size_t line = 0;
    std::size_t column = 0;
    std::string field;
};

Outcome parseWhole(std::string_view bytes) {
    Outcome out;
    try {
        Parser("fuzz").parse(bytes, out.capture);
    } catch (const ParseError& e) {
        out.failed = true;
        out.line = e.line();
        out.column = e.column();
        out.field = e.field();
    }
    return out;
}

Outcome parseChunked(std::string_view bytes) {
    Outcome out;
    std::istringstream in{std::string(bytes)};
    try {
        Parser("fuzz", 3).parse(in, out.capture);
    } catch (const ParseError& e) {
        out.failed = true;
        out.line = e.line();
        out.column = e.column();
        out.field = e.field();
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    if (size <= 64) {
        // Amounts: the fast path (taken for exact "[-]digits.dd") agrees with the general one (a leading blank
        // forces it), and whatever is accepted formats back to the same value.
        const auto fast = parseAmount(bytes);
        require(fast == parseAmount(" " + std::string(bytes)));
        if (fast) require(parseAmount(formatCents(*fast)) == fast);
        // Dates: whatever is accepted formats back to the same instant.
        if (const auto utc = parseDateTime(bytes)) {
            require(parseDateTime(formatUtcDateTime(*utc)) == utc);
            require(parseDateTime(formatIsoUtc(*utc)) == utc);
        }
    }
    const Outcome whole = parseWhole(bytes);
    const Outcome chunked = parseChunked(bytes);
    require(whole.failed == chunked.failed);
    require(whole.line == chunked.line && whole.column == chunked.column && whole.field == chunked.field);
    require(whole.capture.header == chunked.capture.header);
    require(whole.capture.rows == chunked.capture.rows && whole.capture.lines == chunked.capture.lines);
    if (whole.failed) return 0;

    // Round trip through the V2 writer.
    std::ostringstream v2;
    {
        V2Writer writer(v2);
        Parser("fuzz").parse(bytes, writer);
    }
    const Outcome again = parseWhole(v2.str());
    require(!again.failed);
    require(again.capture.header == whole.capture.header);
    require(again.capture.rows == whole.capture.rows);
    return 0;
}
