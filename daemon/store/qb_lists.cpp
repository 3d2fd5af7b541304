#include "daemon/store/qb_lists.hpp"

#include "daemon/store/database.hpp"

namespace settlebridge::store {

namespace {

struct ListTable {
    const char* select;
    const char* selectAll;
    const char* upsert;
    const char* remove;
};

const ListTable& tableFor(ListKind kind) {
    static const ListTable items{
        "SELECT full_name, list_id, item_type, learned_at FROM qb_items WHERE company_id = ?1 AND full_name = ?2",
        "SELECT full_name, list_id, item_type, learned_at FROM qb_items WHERE company_id = ?1 ORDER BY full_name",
        "INSERT INTO qb_items (company_id, full_name, list_id, item_type, learned_at) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT (company_id, full_name) DO UPDATE SET list_id = excluded.list_id, item_type = excluded.item_type, "
        "learned_at = excluded.learned_at",
        "DELETE FROM qb_items WHERE company_id = ?1 AND full_name = ?2",
    };
    static const ListTable accounts{
        "SELECT full_name, list_id, account_type, learned_at FROM qb_accounts WHERE company_id = ?1 AND full_name = ?2",
        "SELECT full_name, list_id, account_type, learned_at FROM qb_accounts WHERE company_id = ?1 ORDER BY full_name",
        "INSERT INTO qb_accounts (company_id, full_name, list_id, account_type, learned_at) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT (company_id, full_name) DO UPDATE SET list_id = excluded.list_id, "
        "account_type = excluded.account_type, learned_at = excluded.learned_at",
        "DELETE FROM qb_accounts WHERE company_id = ?1 AND full_name = ?2",
    };
    static const ListTable customers{
        "SELECT full_name, list_id, currency, learned_at FROM qb_customers WHERE company_id = ?1 AND full_name = ?2",
        "SELECT full_name, list_id, currency, learned_at FROM qb_customers WHERE company_id = ?1 ORDER BY full_name",
        "INSERT INTO qb_customers (company_id, full_name, list_id, currency, learned_at) VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT (company_id, full_name) DO UPDATE SET list_id = excluded.list_id, currency = excluded.currency, "
        "learned_at = excluded.learned_at",
        "DELETE FROM qb_customers WHERE company_id = ?1 AND full_name = ?2",
    };
    switch (kind) {
        case ListKind::Item: return items;
        case ListKind::Account: return accounts;
        case ListKind::Customer: return customers;
    }
    return items;
}

QbListEntry readEntry(const Query& q) { return QbListEntry{q.getText(0), q.getText(1), q.getText(2), q.getInt(3)}; }

/// Cuts `text` to at most `max` bytes without splitting a UTF-8 sequence.
std::string cutUtf8(std::string_view text, std::size_t max) {
    if (text.size() <= max) return std::string(text);
    std::size_t end = max;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return std::string(text.substr(0, end));
}

}  // namespace

std::optional<QbListEntry> QbLists::find(std::int64_t companyId, ListKind kind, std::string_view fullName) {
    auto q = db_.query(tableFor(kind).select);
    q.bind(1, companyId).bind(2, fullName);
    if (!q.next()) return std::nullopt;
    return readEntry(q);
}

std::vector<QbListEntry> QbLists::list(std::int64_t companyId, ListKind kind) {
    auto q = db_.query(tableFor(kind).selectAll);
    q.bind(1, companyId);
    std::vector<QbListEntry> out;
    while (q.next()) out.push_back(readEntry(q));
    return out;
}

void QbLists::remember(std::int64_t companyId, ListKind kind, const QbListEntry& e) {
    db_.query(tableFor(kind).upsert)
        .bind(1, companyId)
        .bind(2, e.fullName)
        .bind(3, e.listId)
        .bind(4, e.type)
        .bind(5, e.learnedAt)
        .run();
}

void QbLists::forget(std::int64_t companyId, ListKind kind, std::string_view fullName) {
    db_.query(tableFor(kind).remove).bind(1, companyId).bind(2, fullName).run();
}

std::optional<SkuItem> SkuItems::find(std::int64_t companyId, std::string_view sku) {
    auto q = db_.query("SELECT sku, item_name FROM sku_items WHERE company_id = ?1 AND sku = ?2");
    q.bind(1, companyId).bind(2, sku);
    if (!q.next()) return std::nullopt;
    return SkuItem{q.getText(0), q.getText(1)};
}

std::vector<SkuItem> SkuItems::list(std::int64_t companyId) {
    auto q = db_.query("SELECT sku, item_name FROM sku_items WHERE company_id = ?1 ORDER BY sku");
    q.bind(1, companyId);
    std::vector<SkuItem> out;
    while (q.next()) out.push_back(SkuItem{q.getText(0), q.getText(1)});
    return out;
}

SkuItem SkuItems::resolve(std::int64_t companyId, std::string_view sku, std::string_view proposedName, Timestamp now) {
    if (auto existing = find(companyId, sku)) return *existing;
    const auto taken = [&](const std::string& name) {
        auto q = db_.query("SELECT 1 FROM sku_items WHERE company_id = ?1 AND item_name = ?2");
        q.bind(1, companyId).bind(2, name);
        return q.next();
    };
    const std::string proposed(proposedName);
    const std::size_t colon = proposed.rfind(':');
    const std::string parent = colon == std::string::npos ? std::string() : proposed.substr(0, colon + 1);
    const std::string leaf = colon == std::string::npos ? proposed : proposed.substr(colon + 1);
    std::string candidate = proposed;
    for (int n = 2; taken(candidate); ++n) {
        if (n > 9999) throw StoreError("no free QuickBooks item name for SKU " + std::string(sku));
        const std::string suffix = "~" + std::to_string(n);
        candidate = parent + cutUtf8(leaf, kQbNameSegmentMax - suffix.size()) + suffix;
    }
    db_.query("INSERT INTO sku_items (company_id, sku, item_name, created_at) VALUES (?1, ?2, ?3, ?4)")
        .bind(1, companyId)
        .bind(2, sku)
        .bind(3, candidate)
        .bind(4, now)
        .run();
    return SkuItem{std::string(sku), candidate};
}

void SkuItems::assign(std::int64_t companyId, std::string_view sku, std::string_view itemName, Timestamp now) {
    {
        auto q = db_.query("SELECT sku FROM sku_items WHERE company_id = ?1 AND item_name = ?2 AND sku != ?3");
        q.bind(1, companyId).bind(2, itemName).bind(3, sku);
        if (q.next()) {
            throw StoreError("the item \"" + std::string(itemName) + "\" is already used by SKU " + q.getText(0));
        }
    }
    db_.query(
           "INSERT INTO sku_items (company_id, sku, item_name, created_at) VALUES (?1, ?2, ?3, ?4) "
           "ON CONFLICT (company_id, sku) DO UPDATE SET item_name = excluded.item_name")
        .bind(1, companyId)
        .bind(2, sku)
        .bind(3, itemName)
        .bind(4, now)
        .run();
}

}  // namespace settlebridge::store
