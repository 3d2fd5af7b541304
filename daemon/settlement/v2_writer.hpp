#pragma once
// Writes a settlement (header + Row stream) as an Amazon Flat File V2 text
// (`GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2` layout, 24 columns, tab-separated, LF, UTF-8, no BOM).
// Used to convert legacy wide files into V2 and to export normalised files. The Parser reads the output
// back to the same Row stream (amounts, types, descriptions, ids, SKUs, quantities, posted times).
//
// What a Row does not carry is written empty: merchant-order-id, shipment-id, merchant-order-item-id,
// merchant-adjustment-item-id, promotion-id. quantity-purchased is written only where Row::quantity != 0
// (the Principal row), posted-date-time only where Row::postedUtc != 0. A tab or line feed inside a text
// (impossible in parser output) is written as a space, so a row always stays one line.

#include <ostream>
#include <string>

#include "daemon/settlement/model.hpp"

namespace settlebridge::settlement {

/// How numbers and dates are written.
struct V2Style {
    /// `.` writes `-1234.56` (US/CA/UK/IN files); `,` writes `-1234,56` (EU files).
    char decimalSeparator = '.';
    /// false: `2025-06-05 22:07:18 UTC` and posted-date `2025-06-05`;
    /// true: `05.06.2025 22:07:18 UTC` and posted-date `05.06.2025` (EU/IN files).
    bool dayMonthYear = false;
};

/// A RowSink that writes what it receives: the header line and the summary row on onHeader, one line per
/// onRow. Call onHeader before any onRow (std::logic_error otherwise). Stream errors are the caller's to check.
class V2Writer : public RowSink {
public:
    explicit V2Writer(std::ostream& out, V2Style style = {});

    void onHeader(const SettlementHeader& header) override;
    void onRow(const Row& row) override;

    /// Rows written so far (not counting the header line and the summary row).
    std::size_t rowsWritten() const noexcept { return rows_; }

private:
    void appendText(std::string_view text);
    void appendAmount(Cents cents);
    void appendDateTime(UtcSeconds utc);
    void appendDate(UtcSeconds utc);

    std::ostream& out_;
    V2Style style_;
    std::string settlementId_;
    std::string line_;  // reused for every line
    bool headerWritten_ = false;
    std::size_t rows_ = 0;
};

/// The 24 column names of the V2 header, in Amazon's order, tab-separated (no line break).
std::string v2HeaderLine();

}  // namespace settlebridge::settlement
