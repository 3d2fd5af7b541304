#pragma once
// Settlement -> summary: the QuickBooks sales receipts and credit memos of one settlement, reconciled to its
// deposit. Streaming: the Summarizer is the parser's RowSink and keeps only aggregates (per month part x document
// side x category, SKU or unmapped combination); it never stores rows, and once a key has been seen a row costs
// no heap allocation. The accounting rules are in docs/ACCOUNTING.md.

#include <istream>
#include <memory>
#include <string>

#include "daemon/settlement/mapping.hpp"
#include "daemon/settlement/model.hpp"
#include "daemon/settlement/timezone.hpp"

namespace settlebridge::settlement {

struct SummarizeOptions {
    /// IANA zone of the company's books. Empty: the default zone of the settlement's marketplace, found from the
    /// settlement currency (defaultZoneForCurrency), else UTC (also, with a note, when that default zone's file
    /// cannot be loaded).
    std::string timeZone;
    /// One part per calendar month (by posted-date-time in the zone), each dated at its month's last day.
    bool splitMonths = false;
    /// Leave fees and account-level money off the documents (they then do not match the deposit).
    bool grossMode = false;
    /// The company is registered for GST/HST or VAT: tax Amazon charges on its fees ("fee-tax" rows) is an input tax
    /// credit and goes to "fee-tax-recoverable" instead of the expense.
    bool taxRegistered = false;
    /// QuickBooks customer when the mapping has no customer rule for the currency or marketplace.
    std::string customerName = "Amazon Summary";
    /// The user's mapping (may be null); must outlive the Summarizer.
    const Mapping* mapping = nullptr;
    /// Where the TZif files are.
    std::string zoneInfoDir = std::string(kDefaultZoneInfoDir);
};

/// Misuse of the summarizer (rows before the header, a second header, too many parts) or an amount overflow.
class SummarizeError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Summarizer : public RowSink {
public:
    /// Throws TimeZoneError when options.timeZone names an unknown zone, SummarizeError when
    /// options.customerName is not a valid QuickBooks customer name.
    explicit Summarizer(SummarizeOptions options = {});
    ~Summarizer() override;
    Summarizer(const Summarizer&) = delete;
    Summarizer& operator=(const Summarizer&) = delete;

    void onHeader(const SettlementHeader& header) override;
    void onRow(const Row& row) override;

    /// Builds the summary from what has been received. Call once, after the parse; throws SummarizeError when
    /// no header was received.
    Summary finish();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// Parses the settlement report at `path` and summarizes it. Throws ParseError (bad input), TimeZoneError,
/// SummarizeError, std::runtime_error (file cannot be read).
Summary summarizeFile(const std::string& path, const SummarizeOptions& options);

/// Same, from a stream; `name` labels parse errors.
Summary summarizeStream(std::istream& in, const std::string& name, const SummarizeOptions& options);

}  // namespace settlebridge::settlement
