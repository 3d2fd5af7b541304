#include "daemon/posting/tax_codes.hpp"

#include "daemon/common/text.hpp"

namespace settlebridge::posting {

std::string describeTaxCodes(const std::vector<store::SalesTaxCode>& codes) {
    if (codes.empty()) return "none";
    std::string out;
    for (const auto& c : codes) {
        if (!out.empty()) out += ", ";
        out += c.name + (c.taxable ? " (taxable)" : " (non-taxable)");
    }
    return out;
}

std::string taxCodeProblem(std::string_view code, const std::vector<store::SalesTaxCode>& codes) {
    const std::string shown = code.empty() ? std::string("(none)") : "\"" + std::string(code) + "\"";
    const std::string fix = " Choose a non-taxable code as the default in QuickBooks (Edit > Preferences > Sales Tax: "
                            "the non-taxable item code), then approve the settlement again.";
    for (const auto& c : codes) {
        if (!common::equalsIgnoreCaseAscii(c.name, code)) continue;
        if (!c.taxable) return {};
        return "The sales tax code " + shown + " that QuickBooks names as its default non-taxable code is taxable in "
               "this company file, so QuickBooks would add its own tax to Amazon's exact amounts." + fix;
    }
    return "The sales tax code " + shown + " that Settlebridge writes on every line (QuickBooks' default non-taxable "
           "code) is not in this company file's sales tax code list (" + describeTaxCodes(codes) +
           "), so QuickBooks would refuse the document." + fix;
}

}  // namespace settlebridge::posting
