#pragma once
// A (transaction-type, amount-type, amount-description) triple as a hash-map key that can be looked up by
// string_views without allocating: used by the category table's cache and the summarizer's unmapped index.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace settlebridge::settlement {

struct TripleView {
    std::string_view transactionType;
    std::string_view amountType;
    std::string_view amountDescription;
};

struct TripleKey {
    std::string transactionType;
    std::string amountType;
    std::string amountDescription;

    explicit TripleKey(const TripleView& v)
        : transactionType(v.transactionType), amountType(v.amountType), amountDescription(v.amountDescription) {}
    TripleView view() const noexcept { return {transactionType, amountType, amountDescription}; }
};

struct TripleHash {
    using is_transparent = void;
    std::size_t operator()(const TripleView& v) const noexcept {
        const std::hash<std::string_view> h;
        std::size_t seed = h(v.transactionType);
        seed ^= h(v.amountType) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
        seed ^= h(v.amountDescription) + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
        return seed;
    }
    std::size_t operator()(const TripleKey& k) const noexcept { return (*this)(k.view()); }
};

struct TripleEqual {
    using is_transparent = void;
    static TripleView view(const TripleKey& k) noexcept { return k.view(); }
    static TripleView view(const TripleView& v) noexcept { return v; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const noexcept {
        const TripleView x = view(a);
        const TripleView y = view(b);
        return x.transactionType == y.transactionType && x.amountType == y.amountType &&
               x.amountDescription == y.amountDescription;
    }
};

}  // namespace settlebridge::settlement
