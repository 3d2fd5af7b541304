#pragma once
// How a settlement summary is shown: a readable text table and the stable JSON documented in docs/CLI.md.

#include <ostream>

#include "daemon/settlement/model.hpp"

namespace settlebridge::app {

void writeSummaryText(std::ostream& out, const settlement::Summary& summary);
void writeSummaryJson(std::ostream& out, const settlement::Summary& summary);

/// Version of the JSON shape; bumped on any incompatible change.
inline constexpr int kSummaryJsonVersion = 1;

}  // namespace settlebridge::app
