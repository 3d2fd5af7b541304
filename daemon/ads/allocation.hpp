#pragma once
// Splitting an amount over parts so the parts sum to it exactly (Sponsored Brands campaign spend over the
// SKUs its ads promote). Largest remainder: each part gets floor(total * w / W); the cents left over go one
// each to the parts with the largest remainders (ties: the earlier part). All weights zero → equal split.

#include <cstdint>
#include <vector>

namespace settlebridge::ads {

/// Parts of `total` proportional to `weights` (negative weights count as zero), summing exactly to `total`
/// (a negative total is split as its magnitude, then negated). Empty weights → empty result.
std::vector<std::int64_t> allocateProportionally(std::int64_t total, const std::vector<std::int64_t>& weights);

}  // namespace settlebridge::ads
