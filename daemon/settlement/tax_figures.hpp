#pragma once
// The tax figures of one summary, for the GST/HST or VAT return (docs/ACCOUNTING.md section 15): what was collected
// through Amazon, what Amazon remitted itself (marketplace facilitator, deemed supplier), and the tax Amazon charged
// on its own fees, per document date. Pure: read off the summary's lines, in the seller's view (receipt lines plus,
// credit memo lines minus), to the cent.

#include <string>
#include <vector>

#include "daemon/settlement/model.hpp"

namespace settlebridge::settlement {

struct TaxFigures {
    Cents collected = 0;          ///< product-, shipping- and gift-wrap tax, net of refunds (+: collected)
    Cents remittedByAmazon = 0;   ///< marketplace-tax-withheld, as a positive amount Amazon took back to remit
    Cents feeTaxRecoverable = 0;  ///< tax on Amazon's fees booked as an input tax credit (+: paid)
    Cents feeTaxExpensed = 0;     ///< tax on Amazon's fees booked as an expense (+: paid)

    Cents toRemit() const noexcept { return collected - remittedByAmazon; }
    Cents feeTax() const noexcept { return feeTaxRecoverable + feeTaxExpensed; }
    TaxFigures& operator+=(const TaxFigures& other) noexcept;
};

/// The figures of the documents dated `txnDate` (one month part of a settlement).
struct DatedTaxFigures {
    std::string txnDate;  ///< YYYY-MM-DD, the documents' date
    TaxFigures figures;
};

/// One entry per month part (document date), in part order; every part is listed, even one without tax.
std::vector<DatedTaxFigures> taxFigures(const Summary& summary);

}  // namespace settlebridge::settlement
