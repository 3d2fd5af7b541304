#include "daemon/store/sellercloud_products.hpp"

#include "daemon/store/sellercloud_connections.hpp"
#include "daemon/store/database.hpp"

namespace settlebridge::store {

namespace {

SellercloudLink readLink(const Query& q) {
    SellercloudLink l;
    l.sku = q.getText(0);
    l.productId = q.getText(1);
    l.rule = q.getText(2);
    l.itemCost = q.getOptionalInt(3);
    l.linkedAt = q.getInt(4);
    return l;
}

}  // namespace

std::optional<SellercloudLink> SellercloudProducts::link(std::int64_t connectionId, std::int64_t scCompanyId,
                                                         std::string_view sku) {
    auto q = db_.query("SELECT sku, product_id, rule, item_cost, linked_at FROM sellercloud_product_links "
                       "WHERE connection_id = ?1 AND sc_company_id = ?2 AND sku = ?3");
    q.bind(1, connectionId).bind(2, scCompanyId).bind(3, sku);
    if (!q.next()) return std::nullopt;
    return readLink(q);
}

std::vector<SellercloudLink> SellercloudProducts::links(std::int64_t connectionId, std::int64_t scCompanyId) {
    auto q = db_.query("SELECT sku, product_id, rule, item_cost, linked_at FROM sellercloud_product_links "
                       "WHERE connection_id = ?1 AND sc_company_id = ?2 ORDER BY sku");
    q.bind(1, connectionId).bind(2, scCompanyId);
    std::vector<SellercloudLink> out;
    while (q.next()) out.push_back(readLink(q));
    return out;
}

void SellercloudProducts::saveLink(std::int64_t connectionId, std::int64_t scCompanyId, const SellercloudLink& l) {
    if (l.sku.empty() || l.productId.empty()) throw StoreError("a product link needs a SKU and a product id");
    db_.query("INSERT INTO sellercloud_product_links (connection_id, sc_company_id, sku, product_id, rule, item_cost, "
              "linked_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (connection_id, sc_company_id, sku) DO "
              "UPDATE SET product_id = excluded.product_id, rule = excluded.rule, item_cost = excluded.item_cost, "
              "linked_at = excluded.linked_at")
        .bind(1, connectionId)
        .bind(2, scCompanyId)
        .bind(3, l.sku)
        .bind(4, l.productId)
        .bind(5, l.rule)
        .bind(6, l.itemCost)
        .bind(7, l.linkedAt)
        .run();
}

std::vector<SellercloudManualLink> SellercloudProducts::manualLinks(std::int64_t connectionId) {
    auto q = db_.query("SELECT sku, product_id, rule, item_cost, linked_at, sc_company_id FROM sellercloud_product_links "
                       "WHERE connection_id = ?1 AND rule = 'manual' ORDER BY sc_company_id, sku");
    q.bind(1, connectionId);
    std::vector<SellercloudManualLink> out;
    while (q.next()) out.push_back({q.getInt(5), readLink(q)});
    return out;
}

int SellercloudProducts::dropLink(std::int64_t connectionId, std::int64_t scCompanyId, std::string_view sku) {
    return db_.query("DELETE FROM sellercloud_product_links WHERE connection_id = ?1 AND sc_company_id = ?2 AND "
                     "sku = ?3")
        .bind(1, connectionId)
        .bind(2, scCompanyId)
        .bind(3, sku)
        .run();
}

int SellercloudProducts::dropLinks(std::int64_t connectionId, bool keepManual) {
    return db_.query("DELETE FROM sellercloud_product_links WHERE connection_id = ?1 AND (?2 = 0 OR rule <> 'manual')")
        .bind(1, connectionId)
        .bind(2, keepManual)
        .run();
}

std::vector<SellercloudWritten> SellercloudProducts::written(std::int64_t connectionId, std::int64_t scCompanyId) {
    auto q = db_.query("SELECT product_id, columns, send_id, written_at FROM sellercloud_written "
                       "WHERE connection_id = ?1 AND sc_company_id = ?2 ORDER BY product_id");
    q.bind(1, connectionId).bind(2, scCompanyId);
    std::vector<SellercloudWritten> out;
    while (q.next()) {
        SellercloudWritten w;
        w.productId = q.getText(0);
        w.columns = splitList(q.getText(1));
        w.sendId = q.getInt(2);
        w.writtenAt = q.getInt(3);
        out.push_back(std::move(w));
    }
    return out;
}

void SellercloudProducts::markWritten(std::int64_t connectionId, std::int64_t scCompanyId,
                                      const SellercloudWritten& w) {
    db_.query("INSERT INTO sellercloud_written (connection_id, sc_company_id, product_id, columns, send_id, "
              "written_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (connection_id, sc_company_id, product_id) "
              "DO UPDATE SET columns = excluded.columns, send_id = excluded.send_id, written_at = excluded.written_at")
        .bind(1, connectionId)
        .bind(2, scCompanyId)
        .bind(3, w.productId)
        .bind(4, joinList(w.columns))
        .bind(5, w.sendId)
        .bind(6, w.writtenAt)
        .run();
}

void SellercloudProducts::forgetWritten(std::int64_t connectionId, std::int64_t scCompanyId,
                                        std::string_view productId) {
    db_.query("DELETE FROM sellercloud_written WHERE connection_id = ?1 AND sc_company_id = ?2 AND product_id = ?3")
        .bind(1, connectionId)
        .bind(2, scCompanyId)
        .bind(3, productId)
        .run();
}

}  // namespace settlebridge::store
