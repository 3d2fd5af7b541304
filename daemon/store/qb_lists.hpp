#pragma once
// What QuickBooks knows, per company (items, accounts, customers learned from queries and adds), and the
// stored SKU → item table.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/store/records.hpp"

namespace settlebridge::store {

class Database;

/// Cache of QuickBooks list elements. Names compare case-insensitively, as QuickBooks compares them.
class QbLists {
public:
    explicit QbLists(Database& db) noexcept : db_(db) {}

    std::optional<QbListEntry> find(std::int64_t companyId, ListKind kind, std::string_view fullName);
    std::vector<QbListEntry> list(std::int64_t companyId, ListKind kind);
    /// Inserts or refreshes an entry.
    void remember(std::int64_t companyId, ListKind kind, const QbListEntry& entry);
    /// Drops an entry (QuickBooks said it does not exist after all): it is queried again next time.
    void forget(std::int64_t companyId, ListKind kind, std::string_view fullName);

private:
    Database& db_;
};

/// Maximum length of one segment of a QuickBooks item name.
inline constexpr std::size_t kQbNameSegmentMax = 31;

/// The SKU → QuickBooks item table. Item names are unique per company, so two SKUs never share an item by
/// accident (a user may still point a SKU at any existing item, of any type, with assign()).
class SkuItems {
public:
    explicit SkuItems(Database& db) noexcept : db_(db) {}

    std::optional<SkuItem> find(std::int64_t companyId, std::string_view sku);
    std::vector<SkuItem> list(std::int64_t companyId);

    /// The item of `sku`: the stored one, or else `proposedName` recorded for it. When another SKU already
    /// owns `proposedName`, the last segment gets a "~2", "~3"... suffix, cut so that it stays within 31
    /// characters. Throws StoreError when no free name is found.
    SkuItem resolve(std::int64_t companyId, std::string_view sku, std::string_view proposedName, Timestamp now);

    /// Points `sku` at `itemName` (replacing any mapping). Throws StoreError if another SKU uses that name.
    void assign(std::int64_t companyId, std::string_view sku, std::string_view itemName, Timestamp now);

private:
    Database& db_;
};

}  // namespace settlebridge::store
