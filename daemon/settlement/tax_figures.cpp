#include "daemon/settlement/tax_figures.hpp"

#include "daemon/settlement/categories.hpp"

namespace settlebridge::settlement {

TaxFigures& TaxFigures::operator+=(const TaxFigures& other) noexcept {
    collected += other.collected;
    remittedByAmazon += other.remittedByAmazon;
    feeTaxRecoverable += other.feeTaxRecoverable;
    feeTaxExpensed += other.feeTaxExpensed;
    return *this;
}

std::vector<DatedTaxFigures> taxFigures(const Summary& summary) {
    std::vector<DatedTaxFigures> out;
    for (const SummaryPart& part : summary.parts) out.push_back(DatedTaxFigures{part.txnDate, {}});
    for (const SummaryDocument& document : summary.documents) {
        DatedTaxFigures* entry = nullptr;
        for (auto& candidate : out)
            if (candidate.txnDate == document.txnDate) entry = &candidate;
        if (entry == nullptr) entry = &out.emplace_back(DatedTaxFigures{document.txnDate, {}});
        const Cents sign = document.kind == DocumentKind::SalesReceipt ? 1 : -1;  // seller's view
        for (const SummaryLine& line : document.lines) {
            const Cents amount = sign * line.amount;
            if (line.category == "product-tax" || line.category == "shipping-tax" || line.category == "gift-wrap-tax") {
                entry->figures.collected += amount;
            } else if (line.category == "marketplace-tax-withheld") {
                entry->figures.remittedByAmazon -= amount;
            } else if (line.category == kFeeTaxRecoverableCategory) {
                entry->figures.feeTaxRecoverable -= amount;
            } else if (line.category == kFeeTaxCategory) {
                entry->figures.feeTaxExpensed -= amount;
            }
        }
    }
    return out;
}

}  // namespace settlebridge::settlement
