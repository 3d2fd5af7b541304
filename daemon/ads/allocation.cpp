#include "daemon/ads/allocation.hpp"

#include <algorithm>
#include <numeric>

namespace settlebridge::ads {

namespace {
__extension__ typedef unsigned __int128 U128;  // products of cents and weights need more than 64 bits
}  // namespace

std::vector<std::int64_t> allocateProportionally(std::int64_t total, const std::vector<std::int64_t>& weights) {
    const std::size_t n = weights.size();
    if (n == 0) return {};
    const bool negative = total < 0;
    const U128 amount = negative ? static_cast<U128>(-(total + 1)) + 1
                                              : static_cast<U128>(total);
    std::vector<U128> w(n);
    U128 sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        w[i] = weights[i] > 0 ? static_cast<U128>(weights[i]) : 0;
        sum += w[i];
    }
    if (sum == 0) {
        std::fill(w.begin(), w.end(), 1);
        sum = n;
    }
    std::vector<U128> parts(n);
    std::vector<U128> remainders(n);
    U128 given = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const U128 product = amount * w[i];
        parts[i] = product / sum;
        remainders[i] = product % sum;
        given += parts[i];
    }
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return remainders[a] > remainders[b]; });
    for (std::size_t k = 0; given < amount; ++k, ++given) parts[order[k % n]] += 1;
    std::vector<std::int64_t> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        const auto v = static_cast<std::int64_t>(parts[i]);
        out[i] = negative ? -v : v;
    }
    return out;
}

}  // namespace settlebridge::ads
