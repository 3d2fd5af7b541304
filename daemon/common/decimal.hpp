#pragma once
// Exact decimal text → integer minor units. Ad reports and REST answers write money as JSON numbers (`14.5`,
// `0.45`, `1.2E+2`) or CSV text; these are converted digit by digit, never through a double. Amounts with more
// than two decimals (Amazon's cost can be a float printed in full, `3.4499999`) are rounded half away from zero.
// (money.hpp's parseAmount is for the settlement report's own formats: grouping separators, no exponents, and
// more than two decimals refused.)

#include <cstdint>
#include <optional>
#include <string_view>

#include "daemon/common/money.hpp"

namespace settlebridge::common {

/// `14.5` → 1450, `-0.005` → -1, `1e2` → 10000, `  7 ` → 700. nullopt for anything that is not a plain
/// decimal number (grouping separators, letters, empty) or does not fit.
std::optional<Cents> decimalToCents(std::string_view text);

/// A count written as `13`, `13.0` or `1.3e1` (must be whole). nullopt otherwise.
std::optional<std::int64_t> decimalToCount(std::string_view text);

}  // namespace settlebridge::common
