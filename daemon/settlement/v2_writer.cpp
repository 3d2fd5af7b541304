#include "daemon/settlement/v2_writer.hpp"

#include <array>
#include <stdexcept>
#include <string_view>

#include "daemon/common/datetime.hpp"
#include "daemon/common/money.hpp"

namespace settlebridge::settlement {
namespace {

constexpr std::array<std::string_view, 24> kV2Columns = {
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
    "amount-type",
    "amount-description",
    "amount",
    "fulfillment-id",
    "posted-date",
    "posted-date-time",
    "order-item-code",
    "merchant-order-item-id",
    "merchant-adjustment-item-id",
    "sku",
    "quantity-purchased",
    "promotion-id",
};

void appendTwo(std::string& out, unsigned v) {
    out += static_cast<char>('0' + (v / 10) % 10);
    out += static_cast<char>('0' + v % 10);
}

void appendYear(std::string& out, int year) {
    // Years the parser accepts are 1000..9999; anything else is written as is.
    if (year >= 1000 && year <= 9999) {
        const auto y = static_cast<unsigned>(year);
        appendTwo(out, y / 100);
        appendTwo(out, y % 100);
    } else {
        out += std::to_string(year);
    }
}

}  // namespace

std::string v2HeaderLine() {
    std::string line;
    for (const std::string_view name : kV2Columns) {
        if (!line.empty()) line += '\t';
        line += name;
    }
    return line;
}

V2Writer::V2Writer(std::ostream& out, V2Style style) : out_(out), style_(style) {}

void V2Writer::appendText(std::string_view text) {
    for (const char c : text) line_ += (c == '\t' || c == '\n') ? ' ' : c;
}

void V2Writer::appendAmount(common::Cents cents) {
    line_ += common::formatCents(cents);  // always ends in ".dd"
    if (style_.decimalSeparator != '.') line_[line_.size() - 3] = style_.decimalSeparator;
}

void V2Writer::appendDate(common::UtcSeconds utc) {
    const common::CivilDateTime c = common::civilFromUtc(utc);
    if (style_.dayMonthYear) {
        appendTwo(line_, c.date.day);
        line_ += '.';
        appendTwo(line_, c.date.month);
        line_ += '.';
        appendYear(line_, c.date.year);
    } else {
        appendYear(line_, c.date.year);
        line_ += '-';
        appendTwo(line_, c.date.month);
        line_ += '-';
        appendTwo(line_, c.date.day);
    }
}

void V2Writer::appendDateTime(common::UtcSeconds utc) {
    const common::CivilDateTime c = common::civilFromUtc(utc);
    appendDate(utc);
    line_ += ' ';
    appendTwo(line_, c.hour);
    line_ += ':';
    appendTwo(line_, c.minute);
    line_ += ':';
    appendTwo(line_, c.second);
    line_ += " UTC";
}

void V2Writer::onHeader(const SettlementHeader& header) {
    if (headerWritten_) throw std::logic_error("V2Writer: onHeader called twice");
    headerWritten_ = true;
    settlementId_ = header.settlementId;
    line_ = v2HeaderLine();
    line_ += '\n';
    // Summary row: the six settlement fields, then 18 empty columns.
    appendText(header.settlementId);
    line_ += '\t';
    appendDateTime(header.startUtc);
    line_ += '\t';
    appendDateTime(header.endUtc);
    line_ += '\t';
    appendDateTime(header.depositUtc);
    line_ += '\t';
    appendAmount(header.totalAmount);
    line_ += '\t';
    appendText(header.currency);
    line_.append(kV2Columns.size() - 6, '\t');
    line_ += '\n';
    out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
}

void V2Writer::onRow(const Row& row) {
    if (!headerWritten_) throw std::logic_error("V2Writer: onRow before onHeader");
    line_.clear();
    appendText(settlementId_);
    line_.append(6, '\t');  // start, end, deposit, total, currency: empty
    appendText(row.transactionType);
    line_ += '\t';
    appendText(row.orderId);
    line_ += "\t\t";  // merchant-order-id
    appendText(row.adjustmentId);
    line_ += "\t\t";  // shipment-id
    appendText(row.marketplaceName);
    line_ += '\t';
    appendText(row.amountType);
    line_ += '\t';
    appendText(row.amountDescription);
    line_ += '\t';
    appendAmount(row.amount);
    line_ += '\t';
    appendText(row.fulfillmentId);
    line_ += '\t';
    if (row.postedUtc != 0) appendDate(row.postedUtc);
    line_ += '\t';
    if (row.postedUtc != 0) appendDateTime(row.postedUtc);
    line_ += '\t';
    appendText(row.orderItemCode);
    line_ += "\t\t\t";  // merchant-order-item-id, merchant-adjustment-item-id
    appendText(row.sku);
    line_ += '\t';
    if (row.quantity != 0) line_ += std::to_string(row.quantity);
    line_ += "\t\n";  // promotion-id
    out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
    ++rows_;
}

}  // namespace settlebridge::settlement
