#pragma once
// The tax report a bookkeeper carries into the GST/HST or VAT return (docs/ACCOUNTING.md section 15): for one
// company, per settlement month part and per calendar month of the documents' date, the tax collected through Amazon,
// what Amazon remitted itself, what is left for the seller to remit, and the tax Amazon charged on its fees (booked
// recoverable or as an expense). Read from the stored summaries: the CLI (`tax-report`) and the admin page print it.

#include <cstdint>
#include <string>
#include <vector>

#include "daemon/settlement/tax_figures.hpp"
#include "daemon/store/store.hpp"

namespace settlebridge::posting {

struct TaxReportRow {
    std::string settlementId;
    std::string currency;
    std::string txnDate;          ///< the documents' date (YYYY-MM-DD)
    bool registered = false;      ///< the summary booked tax on fees as recoverable
    bool posted = false;          ///< every document of the settlement is in QuickBooks
    settlement::TaxFigures figures;
};

struct TaxReportMonth {
    std::string month;            ///< YYYY-MM
    std::string currency;
    settlement::TaxFigures figures;
};

struct TaxReport {
    std::string company;
    bool registered = false;      ///< the company's current setting
    std::string from;             ///< inclusive YYYY-MM-DD, "" = from the start
    std::string to;               ///< inclusive YYYY-MM-DD, "" = to the end
    std::vector<TaxReportRow> rows;      ///< by date, then settlement id
    std::vector<TaxReportMonth> months;  ///< by month, then currency
};

/// The report of a company's active settlements whose documents are dated within [from, to] (either may be "").
/// Throws std::invalid_argument for a date that is not YYYY-MM-DD or from > to; store::StoreError for an unknown
/// company id.
TaxReport buildTaxReport(store::Tx& tx, std::int64_t companyId, const std::string& from, const std::string& to);

}  // namespace settlebridge::posting
