#pragma once
// Money as integer minor units. No floating point anywhere near money.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace settlebridge::common {

using Cents = std::int64_t;

/// Parses an amount written by Amazon into minor units (two decimals).
/// Accepts `1234.56`, `1,234.56`, `-1.234,56`, `95,00`, `12`, `-0.5`, surrounding blanks.
/// Rejects anything ambiguous or malformed (returns nullopt): more than two decimals,
/// misplaced group separators, letters, an empty string.
std::optional<Cents> parseAmount(std::string_view text);

/// Formats minor units as `-1234.56` (always two decimals, no grouping): qbXML's AMTTYPE form.
std::string formatCents(Cents cents);

}  // namespace settlebridge::common
