#pragma once
// Schema migration 6: what Settlebridge learns about a company file's QuickBooks edition (its country, its sales tax
// code list), the exchange rates read from its currency list, the one rate frozen per foreign-currency settlement,
// and the company's limit on how old QuickBooks' rate may be (docs/POSTING.md, "Editions", "Exchange rates").

#include <string_view>

namespace settlebridge::store {

std::string_view qbEditionSchemaSql();

}  // namespace settlebridge::store
