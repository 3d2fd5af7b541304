#pragma once
// Turning a stored document back into its qbXML request (and the lookup query that finds it again).

#include <map>
#include <string>
#include <string_view>

#include "daemon/settlement/model.hpp"
#include "daemon/domain/records.hpp"
#include "qbxml/render.hpp"

namespace settlebridge::posting {

/// The render context for a company: clearing account, non-taxable code (none when the company's sales tax
/// preference is off), multicurrency, the transfer account, and the qbXML version ("13.0"; "" = 13.0).
qbxml::RenderContext renderContextFor(const domain::Company& company, std::string_view qbxmlVersion);

/// The summary document with this external key, or nullptr.
const settlement::SummaryDocument* findSummaryDocument(const settlement::Summary& summary, std::string_view key);

/// Item names a document references (its lines' items), in line order without repeats. Empty for refunds and
/// transfers.
std::vector<std::string> referencedItems(const domain::Document& doc, const settlement::Summary& summary);

/// The add request of `doc`. `creditMemoTxnId` is needed for a refund payment; `itemSubstitutions` maps item
/// names to the fallback item used instead. A transfer goes to ctx.transferToAccount, else to its payload's bank
/// account (a DepositAdd with ctx.transferAsDeposit). Throws qbxml::RenderError, or std::runtime_error when the stored
/// summary lacks the document.
std::string renderAdd(const domain::Document& doc, const settlement::Summary& summary, const qbxml::RenderContext& ctx,
                      std::string_view requestId, const std::string& creditMemoTxnId,
                      const std::map<std::string, std::string>& itemSubstitutions);

/// The query that tells whether `doc` already exists in QuickBooks (by RefNumber; transfers by date: a TransferQuery,
/// or a DepositQuery for one sent as a DepositAdd).
std::string renderLookup(const domain::Document& doc, const qbxml::RenderContext& ctx, std::string_view requestId);

}  // namespace settlebridge::posting
