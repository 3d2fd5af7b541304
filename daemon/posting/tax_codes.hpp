#pragma once
// The sales tax code Settlebridge writes on every line (docs/POSTING.md, "Editions"): the company file's default
// non-taxable code, which must be in the file's own code list (SalesTaxCodeQuery) and not taxable. The US edition
// ships "Tax"/"Non", the Canadian one its own codes ("E" exempt, "Z" zero-rated, "G" GST...): a code the file does
// not have is never sent. Pure: no store access.

#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/qb_edition.hpp"

namespace settlebridge::posting {

/// "E (non-taxable), G (taxable), ..." for a message; "none" for an empty list.
std::string describeTaxCodes(const std::vector<store::SalesTaxCode>& codes);

/// Why `code` cannot be written on the lines of a company file whose code list is `codes` (a message for the
/// bookkeeper: what is wrong and what to change), or "" when it can.
std::string taxCodeProblem(std::string_view code, const std::vector<store::SalesTaxCode>& codes);

}  // namespace settlebridge::posting
