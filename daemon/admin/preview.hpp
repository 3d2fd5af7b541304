#pragma once
// The order previewer: a date range selects one settlement by Connex's rule — the most recent settlement whose end
// date (a calendar day in the company's time zone) is on or before the range's end — so 1/13–1/27 selects the
// settlement ending 1/27 and 1/13–1/26 the one ending 1/13. The other settlements ending inside the range are
// listed beside it. The answer then shows the selected settlement's receipt and credit memo, the reconciliation
// against its deposit, and the exact qbXML it posts.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/admin/api.hpp"

namespace settlebridge::admin {

/// One settlement as the rule sees it.
struct SettlementSpan {
    std::int64_t row = 0;        // settlements.id
    std::string settlementId;
    std::string startDate;       // YYYY-MM-DD, company time zone
    std::string endDate;         // YYYY-MM-DD, company time zone
    std::int64_t endUtc = 0;     // breaks ties between settlements ending on one day
};

struct PreviewSelection {
    std::optional<std::size_t> selected;  // index into the spans
    std::vector<std::size_t> alsoEnding;  // other settlements whose end date lies in [from, to], newest first
    std::string reason;                   // why, in plain words
};

/// Applies the rule. `from` and `to` are valid YYYY-MM-DD dates with from <= to.
PreviewSelection selectSettlement(const std::vector<SettlementSpan>& spans, std::string_view from, std::string_view to);

/// GET /api/companies/{id}/preview?from=YYYY-MM-DD&to=YYYY-MM-DD
ApiReply previewGet(SiteContext& ctx, const ApiRequest& request);

}  // namespace settlebridge::admin
